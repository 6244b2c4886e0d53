// The database triggers as `triggers.list` reports them (faasbox triggers, the editor's tree): one
// row per consumer, the URL masked, with the replication slot's lag and state when the source knows them.
import type { DatabaseTriggerInfo } from "../../protocol";
import { qualifiedName } from "../../project/databaseSources";
import type { ChangeConsumer } from "./consumers";

/** What the running source knows of one consumer (its slot's lag, whether it connects). */
export type ConsumerState = Pick<DatabaseTriggerInfo, "lagBytes" | "status" | "error">;

export function databaseTriggerInfos(consumers: readonly ChangeConsumer[], stateOf: (consumer: ChangeConsumer) => ConsumerState | undefined = () => undefined): DatabaseTriggerInfo[] {
  return consumers.map((consumer) => {
    const { fn, trigger, source, shape } = consumer;
    const state = stateOf(consumer) ?? {};
    return {
      function: fn.name,
      trigger: trigger.name,
      source: source.name,
      url: source.url.masked,
      tables: source.tables.map(qualifiedName),
      shape,
      at: { file: source.at.file, line: source.at.line },
      ...(state.lagBytes !== undefined ? { lagBytes: state.lagBytes } : {}),
      ...(state.status !== undefined ? { status: state.status } : {}),
      ...(state.error !== undefined ? { error: state.error } : {}),
    };
  });
}

/** "1.2 MB" for a lag in bytes. */
export function formatLag(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const SHAPE_NAMES: Record<DatabaseTriggerInfo["shape"], string> = {
  plain: "plain change events",
  "dms-kinesis": "Kinesis records (DMS JSON)",
  "dts-ckafka": "CKafka messages (DTS JSON)",
};

/** One line for the CLI: "audit ← shop postgres://app:***@…/shop public.orders (Kinesis records (DMS JSON)) · lag 1.2 KB". */
export function databaseTriggerLine(info: DatabaseTriggerInfo): string {
  const state = info.status === "failing" ? ` · failing: ${info.error ?? "see the emulator's log"}` : info.status === "starting" ? " · starting" : "";
  const lag = info.lagBytes !== undefined ? ` · lag ${formatLag(info.lagBytes)}` : "";
  const via = info.trigger === info.source ? "" : ` via ${info.trigger}`;
  return `${info.function}${via} ← ${info.source} ${info.url} ${info.tables.join(", ")} (${SHAPE_NAMES[info.shape]})${lag}${state}`;
}

export function shapeName(shape: DatabaseTriggerInfo["shape"]): string {
  return SHAPE_NAMES[shape];
}
