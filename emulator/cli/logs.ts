import { resolve } from "node:path";
import { formatLogLine } from "../logs/formatLog";
import { Notifications, Requests, type LogFilter } from "../protocol";
import { parseCommandArgs } from "./args";
import { connectToRunning } from "./connect";

export const LOGS_USAGE = "faasbox logs [FUNCTION] [-f] [--request ID] [--grep TEXT] [--since MINUTES] [--project DIR]";

/** Prints kept log records from the running emulator, and with -f follows new ones. */
export async function logsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("logs", argv, {
    project: { type: "string" },
    follow: { type: "boolean", short: "f" },
    request: { type: "string" },
    grep: { type: "string" },
    since: { type: "string" },
    limit: { type: "string" },
  });
  const root = resolve(values.project ?? ".");
  const connection = await connectToRunning(root);
  if (!connection) {
    console.error(`no Faasbox emulator is running for ${root}; start one with 'faasbox start ${root}'`);
    return 1;
  }
  const { client } = connection;
  const filter: LogFilter = { function: positionals[0], requestId: values.request, text: values.grep };
  const color = process.stdout.isTTY;
  const since = values.since === undefined ? undefined : Date.now() - Number(values.since) * 60_000;
  const { records } = await client.request(Requests.logsQuery, { ...filter, since, limit: values.limit ? Number(values.limit) : undefined });
  for (const record of records) console.log(formatLogLine(record, { color }));
  if (!values.follow) {
    client.dispose();
    return 0;
  }
  client.onNotification(Notifications.logRecord, ({ record }) => console.log(formatLogLine(record, { color })));
  client.onNotification(Notifications.logsDropped, ({ count }) => console.error(`(${count} log lines dropped: output was too slow)`));
  await client.request(Requests.logsSubscribe, filter);
  await new Promise<void>((done) => {
    client.onClose(done);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
  client.dispose();
  return 0;
}
