import { resolve } from "node:path";
import { formatLogLine } from "../core/logs/formatLog";
import { Notifications, Requests, type LogFilter } from "../protocol";
import { stateDir } from "../config/paths";
import { LogStore } from "../core/logs/logStore";
import { parseCommandArgs, UsageError } from "./args";
import { connectToRunning } from "./connect";

export const LOGS_USAGE = "faasbox logs [FUNCTION] [-f] [--request ID] [--grep TEXT] [--since MINUTES] [--limit N] [--project DIR]";

/** Prints kept log records (from the running emulator, or from disk when none runs); with -f follows new ones. */
export async function logsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("logs", argv, {
    project: { type: "string" },
    follow: { type: "boolean", short: "f" },
    request: { type: "string" },
    grep: { type: "string" },
    since: { type: "string" },
    limit: { type: "string" },
  });
  const sinceMinutes = positive("since", values.since, false);
  const limit = positive("limit", values.limit, true);
  const root = resolve(values.project ?? ".");
  const filter: LogFilter = { function: positionals[0], requestId: values.request, text: values.grep };
  const query = { ...filter, since: sinceMinutes === undefined ? undefined : Date.now() - sinceMinutes * 60_000, limit };
  const color = process.stdout.isTTY;
  const connection = await connectToRunning(root);
  if (!connection) {
    if (values.follow) {
      console.error(`no Faasbox emulator is running for ${root}, so there is nothing to follow; start one with 'faasbox start ${root}'`);
      return 1;
    }
    // The logs are kept on disk: they are there to read after a crash, too.
    console.error(`(no Faasbox emulator is running for ${root}: these are the lines it kept)`);
    const records = await new LogStore(stateDir(root), Number.MAX_SAFE_INTEGER).query(query);
    for (const record of records) console.log(formatLogLine(record, { color }));
    return 0;
  }
  const { client } = connection;
  try {
    const { records } = await client.request(Requests.logsQuery, query);
    for (const record of records) console.log(formatLogLine(record, { color }));
    if (!values.follow) return 0;
    client.onNotification(Notifications.logRecord, ({ record }) => console.log(formatLogLine(record, { color })));
    client.onNotification(Notifications.logsDropped, ({ count }) => console.error(`(${count} log lines dropped: output was too slow)`));
    await client.request(Requests.logsSubscribe, filter);
    await new Promise<void>((done) => {
      client.onClose(done);
      process.once("SIGINT", done);
      process.once("SIGTERM", done);
    });
    return 0;
  } finally {
    client.dispose();
  }
}

/** A positive number option (minutes for --since, a count for --limit), or a usage error saying so. */
function positive(name: string, value: string | undefined, whole: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (whole && !Number.isInteger(number))) {
    throw new UsageError(`faasbox logs: --${name} must be a positive ${whole ? "whole number" : "number of minutes"}, got "${value}"`);
  }
  return number;
}
