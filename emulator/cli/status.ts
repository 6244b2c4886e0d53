import { resolve } from "node:path";
import { readConnectionInfo } from "../client/connectionFile";
import { Requests } from "../protocol";
import { parseCommandArgs } from "./args";
import { connectToRunning } from "./connect";

export const STATUS_USAGE = "faasbox status [--project DIR] [--json]";

/** Prints the running emulator's connection info; exits 1 when none runs for the project. */
export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("status", argv, { project: { type: "string" }, json: { type: "boolean" } }, false);
  const root = resolve(values.project ?? ".");
  const info = readConnectionInfo(root);
  if (!info) {
    if (values.json) console.log(JSON.stringify({ running: false, root }));
    else console.error(`no Faasbox emulator is running for ${root}; start one with 'faasbox start ${root}'`);
    return 1;
  }
  if (values.json) {
    console.log(JSON.stringify({ running: true, ...info }, null, 2));
    return 0;
  }
  const connection = await connectToRunning(root);
  try {
    const list = await connection!.client.request(Requests.functionsList);
    console.log(`Faasbox ${info.version} (pid ${info.pid}) serving ${root}`);
    console.log(`  control API: ${info.controlUrl}`);
    for (const fn of list.functions) {
      const pool = fn.pool;
      console.log(`  ${fn.name.padEnd(24)} ${fn.state.padEnd(9)} warm ${pool.idle} busy ${pool.busy} starting ${pool.starting} queued ${pool.queued}${pool.standby ? ` standby ${pool.standby}` : ""}`);
    }
    for (const problem of list.problems) console.log(`  problem: ${problem}`);
  } finally {
    connection!.client.dispose();
  }
  return 0;
}
