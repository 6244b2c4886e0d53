// How database triggers read in text: the CLI's line per consumer, lag in bytes, shape names
// (the tree's tooltips use them too). The URL in an info is already masked.
import type { DatabaseTriggerInfo } from "../../protocol";

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
