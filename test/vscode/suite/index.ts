// Runs inside the real extension host (code-server's, or VS Code's under
// @vscode/test-electron): VS Code calls run() because this file is extensionTestsPath.
import { readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import Mocha from "mocha";

interface SuiteResult {
  passes: string[];
  failures: { title: string; error: string }[];
}

export async function run(): Promise<void> {
  const resultsFile = process.env.FAASBOX_TEST_RESULTS;
  const mocha = new Mocha({ ui: "bdd", timeout: 120_000, color: false });
  const grep = process.env.FAASBOX_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith(".test.js")).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  const result: SuiteResult = { passes: [], failures: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on("pass", (t) => result.passes.push(t.fullTitle()));
    runner.on("fail", (t, error: Error) => result.failures.push({ title: t.fullTitle(), error: error.stack ?? String(error) }));
  });
  if (resultsFile) {
    writeFileSync(resultsFile, JSON.stringify(result, null, 2));
    // Keep the workbench as the tests left it until the driver is done with it (its screenshots,
    // or a whole driver-only test: the extension host ends when run() returns). close() releases
    // it; the bound only matters when the driver died without closing.
    const released = `${resultsFile}.done`;
    for (let waited = 0; waited < 900_000 && !existsSync(released); waited += 200) {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (result.failures.length > 0) throw new Error(`${result.failures.length} extension test(s) failed`);
}
