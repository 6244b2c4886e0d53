import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";

/**
 * A local TCP listener whose every connection is piped to a port inside an instance, through
 * its agent's channel (AgentChannel.connect): how a debugger listening on the instance's own
 * 127.0.0.1 (a container with a network of its own) is reached from the host.
 */
export interface PortForward {
  /** The local port (on `host`) that leads to the instance's port. */
  readonly port: number;
  readonly host: string;
  /** Connections being relayed now. */
  readonly openConnections: number;
  /** Stops listening and cuts every relayed connection; idempotent. */
  close(): Promise<void>;
}

export interface PortForwardOptions {
  /** Default 127.0.0.1: only this machine. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /**
   * Who may connect: asked for each connection before a byte is read or anything is opened in
   * the instance; a connection it refuses (false, or a rejection) is closed at once. Default: anyone.
   */
  admit?: (socket: Socket) => Promise<boolean>;
  /** Told of each refused connection (for the user's log). */
  onRefused?: (socket: Socket) => void;
}

/**
 * Listens on `host:port` (default 127.0.0.1, a free port) and relays each accepted connection,
 * both ways with half-close, to a stream `connect()` opens (e.g. `() => channel.connect(9229)`
 * for a port inside the instance). A connection the far side refuses, or that breaks on either
 * side, is cut on the other.
 */
export async function forwardPort(connect: () => Promise<Duplex>, options: PortForwardOptions = {}): Promise<PortForward> {
  const host = options.host ?? "127.0.0.1";
  const relayed = new Set<{ socket: Socket; remote?: Duplex }>();
  let closed = false;
  // allowHalfOpen: a client's FIN becomes an END on the relayed stream; the answer may still come.
  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
    if (closed) return void socket.destroy();
    const entry: { socket: Socket; remote?: Duplex } = { socket };
    relayed.add(entry);
    socket.once("close", () => {
      relayed.delete(entry);
      entry.remote?.destroy();
    });
    socket.on("error", () => entry.remote?.destroy());
    const admitted = options.admit ? options.admit(socket).catch(() => false) : Promise.resolve(true);
    admitted.then((ok) => {
      if (ok) return socket.destroyed || closed ? Promise.reject(new Error("gone")) : connect();
      options.onRefused?.(socket);
      throw new Error("refused");
    }).then(
      (remote) => {
        if (socket.destroyed || closed) return void remote.destroy();
        entry.remote = remote;
        remote.on("error", () => socket.destroy());
        // Gone without its end (RESET, the channel closed): the client sees its connection cut.
        remote.once("close", () => {
          if (!remote.readableEnded) socket.destroy();
        });
        socket.pipe(remote);
        remote.pipe(socket);
        socket.resume();
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host,
    get openConnections() {
      return relayed.size;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const { socket, remote } of [...relayed]) {
        remote?.destroy();
        socket.destroy();
      }
      relayed.clear();
      await stopped;
    },
  };
}
