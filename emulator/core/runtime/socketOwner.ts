import { readFile } from "node:fs/promises";
import type { Socket } from "node:net";

/** TCP_ESTABLISHED in the kernel's socket tables. */
const ESTABLISHED = "01";

/**
 * The uid that owns the other end of a loopback connection to this process, read from the
 * kernel's socket tables (/proc/net/tcp and tcp6: one line a socket, with its owner's uid).
 * `undefined` where there are no such tables (not Linux); `null` when the other end is not a
 * socket of this network namespace (it came from elsewhere).
 */
export async function socketOwnerUid(socket: Socket): Promise<number | null | undefined> {
  const peerPort = socket.remotePort;
  const ourPort = socket.localPort;
  if (peerPort === undefined || ourPort === undefined) return null;
  let tables: string[];
  try {
    tables = await Promise.all(["/proc/net/tcp", "/proc/net/tcp6"].map((file) => readFile(file, "latin1").catch(() => "")));
  } catch {
    return undefined;
  }
  if (tables.every((table) => table === "")) return undefined;
  // The caller's side of the connection: its local port is the peer port we see, its remote port ours.
  const local = `:${hex4(peerPort)}`;
  const remote = `:${hex4(ourPort)}`;
  for (const table of tables) {
    for (const line of table.split("\n")) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
      if (fields.length > 7 && fields[1].endsWith(local) && fields[2].endsWith(remote) && fields[3] === ESTABLISHED) return Number(fields[7]);
    }
  }
  return null;
}

function hex4(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, "0");
}
