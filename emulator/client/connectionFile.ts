import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { connectionFile } from "../config/paths";
import { isAlive } from "../util/isAlive";

/** What a client needs to reach a running emulator; the file is readable by its user only. */
export interface ConnectionInfo {
  pid: number;
  root: string;
  controlUrl: string;
  token: string;
  httpUrl?: string;
  invokeUrl?: string;
  version: string;
  startedAt: number;
}

export function writeConnectionInfo(info: ConnectionInfo): string {
  const file = connectionFile(info.root);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
  return file;
}

/** The running emulator for `root`, or undefined; a file left by a dead process is removed. */
export function readConnectionInfo(root: string): ConnectionInfo | undefined {
  const file = connectionFile(root);
  let info: ConnectionInfo;
  try {
    info = JSON.parse(readFileSync(file, "utf8")) as ConnectionInfo;
  } catch {
    return undefined;
  }
  if (!isAlive(info.pid)) {
    rmSync(file, { force: true });
    return undefined;
  }
  return info;
}

/** Removes the file if it still describes this process's emulator. */
export function removeConnectionInfo(root: string, pid = process.pid): void {
  const file = connectionFile(root);
  try {
    if ((JSON.parse(readFileSync(file, "utf8")) as ConnectionInfo).pid === pid) rmSync(file, { force: true });
  } catch {
    // already gone
  }
}
