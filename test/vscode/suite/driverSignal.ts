import { existsSync, writeFileSync } from "node:fs";

/**
 * Asks the driver (test/helpers/workbench.ts) to act on the workbench now, e.g. take a
 * screenshot while the debugger is paused, and waits until it has (or `timeoutMs`).
 */
export async function signalDriver(name: string, timeoutMs = 20_000): Promise<void> {
  const results = process.env.FAASBOX_TEST_RESULTS;
  if (!results) return;
  writeFileSync(`${results}.${name}`, "");
  for (let waited = 0; waited < timeoutMs && !existsSync(`${results}.${name}.done`); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
}
