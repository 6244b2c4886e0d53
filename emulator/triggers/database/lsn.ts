/** PostgreSQL log sequence numbers ("16/B374D848"): 64-bit WAL positions, written as two hex halves. */

export function parseLsn(lsn: string): bigint {
  const [hi, lo] = lsn.split("/");
  return (BigInt(`0x${hi || "0"}`) << 32n) | BigInt(`0x${lo || "0"}`);
}

/** As PostgreSQL prints it: upper-case hex halves without padding. */
export function formatLsn(value: bigint): string {
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function normalizeLsn(lsn: string): string {
  return formatLsn(parseLsn(lsn));
}
