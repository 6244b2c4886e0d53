// `faasbox triggers`: what a running emulator serves, each HTTP route and function URL with the
// address to call, and its timers, topics, buckets and database-change triggers (URLs masked).
import { resolve } from "node:path";
import { Requests, type FunctionUrlInfo, type TriggersListResult } from "../protocol";
import { parseCommandArgs, UsageError } from "./args";
import { connectToRunning } from "./connect";
import { databaseTriggerLine } from "../triggers/database/databaseTriggerText";

export const TRIGGERS_USAGE = "faasbox triggers [--json] [--project DIR]";

/** The lines `faasbox start` and `faasbox triggers` print for function URLs. */
export function functionUrlLines(urls: readonly FunctionUrlInfo[]): string[] {
  if (!urls.length) return [];
  const lines = ["Function URLs:"];
  for (const url of urls) {
    const notes = [url.authType === "AWS_IAM" ? "AWS_IAM: sign with SigV4 (service lambda) and the keys functions get" : "AuthType NONE", ...(url.invokeMode === "RESPONSE_STREAM" ? ["RESPONSE_STREAM"] : [])];
    lines.push(`  ${url.function}  ${url.url}${url.hostUrl ? `  (also ${url.hostUrl})` : ""}  ${notes.join(", ")}`);
  }
  return lines;
}

export function triggerLines(list: TriggersListResult): string[] {
  const lines: string[] = [];
  if (list.routes.length) lines.push("HTTP routes:", ...list.routes.map((r) => `  ${r.method.padEnd(6)} ${r.url}  ${r.unsupported ? `not run locally: ${r.unsupported}` : `→ ${r.function}`}`));
  lines.push(...functionUrlLines(list.urls ?? []));
  if (list.timers.length) lines.push("Timers:", ...list.timers.map((t) => `  ${t.function}  ${t.name}  ${t.schedule}${t.enabled ? "" : " (disabled)"}`));
  if (list.topics.length) lines.push("Topics and queues:", ...list.topics.map((t) => `  ${t}`));
  if (list.buckets.length) lines.push("Buckets:", ...list.buckets.map((b) => `  ${b.bucket}  ${b.folder}`));
  if (list.databases?.length) lines.push("Database changes:", ...list.databases.map((d) => `  ${databaseTriggerLine(d)}`));
  if (!lines.length) lines.push("no triggers");
  return lines;
}

export async function triggersCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("triggers", argv, { project: { type: "string" }, json: { type: "boolean" } });
  if (positionals.length) throw new UsageError(`faasbox triggers: unexpected ${positionals.join(" ")}. Usage: ${TRIGGERS_USAGE}`);
  const root = resolve(values.project ?? ".");
  const connection = await connectToRunning(root);
  if (!connection) throw new UsageError(`faasbox triggers: no Faasbox emulator is running for ${root}; start one with 'faasbox start ${root}'`);
  try {
    const list = await connection.client.request(Requests.triggersList);
    if (values.json) console.log(JSON.stringify(list, null, 2));
    else for (const line of triggerLines(list)) console.log(line);
    for (const problem of list.problems) console.error(`problem: ${problem}`);
    return 0;
  } finally {
    connection.client.dispose();
  }
}
