/**
 * MySQL/MariaDB binlog positions, written "binlog.000003:1234": the binlog file and the byte offset
 * in it, as SHOW MASTER STATUS and SHOW BINLOG EVENTS give them
 * (https://dev.mysql.com/doc/refman/8.0/en/show-master-status.html). A file's number is its
 * extension (the server numbers files in order), so positions compare across files.
 */

export interface BinlogPosition {
  file: string;
  position: number;
}

export function formatBinlogPosition(at: BinlogPosition): string {
  return `${at.file}:${at.position}`;
}

export function parseBinlogPosition(text: string): BinlogPosition | undefined {
  const match = /^(.+\.(\d+)):(\d+)$/.exec(text);
  return match ? { file: match[1], position: Number(match[3]) } : undefined;
}

/** The file's number: "binlog.000003" → 3. */
export function binlogFileNumber(file: string): number {
  const match = /\.(\d+)$/.exec(file);
  return match ? Number(match[1]) : 0;
}

/** File number × 2^32 + offset: grows with the log (an offset is a 32-bit number within its file). */
export function binlogPositionValue(text: string): bigint | undefined {
  const at = parseBinlogPosition(text);
  if (!at) return undefined;
  return (BigInt(binlogFileNumber(at.file)) << 32n) | BigInt(at.position);
}

/** Whether `a` comes before `b` in the log. */
export function binlogBefore(a: BinlogPosition, b: BinlogPosition): boolean {
  const fa = binlogFileNumber(a.file);
  const fb = binlogFileNumber(b.file);
  return fa !== fb ? fa < fb : a.position < b.position;
}

/**
 * Bytes of binlog from `from` to the server's current position, given the server's binlog files and
 * their sizes (SHOW BINARY LOGS): the rest of `from`'s file, the files after it, and the current
 * file up to `current`.
 */
export function binlogLagBytes(from: BinlogPosition, current: BinlogPosition, files: ReadonlyArray<{ file: string; size: number }>): number {
  if (!binlogBefore(from, current)) return 0;
  if (from.file === current.file) return current.position - from.position;
  const fromNumber = binlogFileNumber(from.file);
  const currentNumber = binlogFileNumber(current.file);
  let lag = 0;
  for (const { file, size } of files) {
    const number = binlogFileNumber(file);
    if (number === fromNumber) lag += Math.max(0, size - from.position);
    else if (number > fromNumber && number < currentNumber) lag += size;
  }
  return lag + current.position;
}
