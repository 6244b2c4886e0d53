import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../emulator/util/freePort";

/**
 * What the tests' throwaway database servers (postgresCluster.ts, mariadbServer.ts) share: a
 * temporary folder, a free port on 127.0.0.1, a random password, and removal that stops the server
 * and deletes the folder, once. Each helper keeps how its own server is made, started and asked.
 */
export interface ThrowawayServer {
  /** The connection URL a user would write, with the test user's password. */
  readonly url: string;
  readonly port: number;
  readonly password: string;
  /** Runs SQL as the server's superuser over its socket; returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Stops the server; the data stays for start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its folder. */
  remove(): Promise<void>;
}

/** A new server's place: its folder (`faasbox-<prefix>-…` in the temp folder), port and password. */
export async function serverPlace(prefix: string): Promise<{ dir: string; port: number; password: string }> {
  const dir = await mkdtemp(join(tmpdir(), `faasbox-${prefix}-`));
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2, 10)}`;
  return { dir, port, password };
}

/** The server as the tests use it; remove() stops it (ignoring a server already down) and deletes `dir`, once. */
export function throwawayServer(parts: Omit<ThrowawayServer, "remove"> & { dir: string }): ThrowawayServer {
  const { dir, ...server } = parts;
  let removed = false;
  return {
    ...server,
    async remove() {
      if (removed) return;
      removed = true;
      await server.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
