// Column values and times as the change formats write them in JSON.
import type { RowChange } from "./rowChange";

/**
 * A value as JSON carries it: bytes as hex with a 0x prefix (DMS's default, NoHexPrefix unset:
 * https://docs.aws.amazon.com/dms/latest/APIReference/API_KinesisSettings.html; DTS: "binary… 输出为与16进制值相同的字符串，如 0xfff"),
 * dates as ISO 8601, 64-bit integers as decimal strings; everything else as the source decoded it.
 */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString("hex")}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function jsonRow(row: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!row) return undefined;
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [column, jsonValue(value)]));
}

/** "2026-12-02T10:20:30.123456Z": the commit time in UTC with six fraction digits, whatever offset the source wrote. */
export function utcMicroseconds(time: string): string {
  const millis = Date.parse(time);
  if (Number.isNaN(millis)) throw new Error(`${JSON.stringify(time)} is not an ISO 8601 time`);
  // Offsets are whole minutes, so the fraction of the second is the same in UTC.
  const fraction = (/:\d\d\.(\d+)/.exec(time)?.[1] ?? "").slice(0, 6).padEnd(6, "0");
  return `${new Date(Math.floor(millis / 1000) * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

/** The columns in the order the source reported them (its column types), then any others the row has. */
export function columnNames(change: RowChange): string[] {
  const names = new Set(Object.keys(change.columnTypes));
  for (const row of [change.after, change.before, change.key]) for (const name of Object.keys(row ?? {})) names.add(name);
  return [...names];
}
