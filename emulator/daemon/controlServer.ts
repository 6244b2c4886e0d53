import { chmodSync, lstatSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { CONTROL_PATH } from "../protocol";
import { hostRefusal } from "../util/requestGuard";
import { originAllowed, presentedToken, tokenMatches } from "./auth";

export interface ControlServerOptions {
  host: string;
  port: number;
  /**
   * Listen on this Unix socket instead of host:port. Nothing on TCP then: no other machine, no
   * page in a browser and no remote editor's port forwarding can see it, and the file's mode
   * (0600) keeps other users out before the token is even read.
   */
  socketPath?: string;
  token: string;
  /** Host names accepted besides loopback ones (`--allowed-host`); see util/requestGuard. */
  allowedHosts?: readonly string[];
  /** `raw`: the connection's TCP socket (the request's), under the WebSocket. */
  onConnection: (socket: WebSocket, raw: Duplex) => void;
}

/** Caps one message from a client; invoke events are the largest (6 MB like the clouds). */
const MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

/**
 * The control API's listener: WebSocket upgrades on CONTROL_PATH, admitted only by one
 * of the emulator's own Host names (against DNS rebinding, util/requestGuard), with the
 * token and without a browser Origin. Everything else gets a plain HTTP answer.
 */
export class ControlServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  url = "";

  constructor(private readonly options: ControlServerOptions) {
    this.http = createServer((request, response) => {
      const refusal = this.wrongHost(request);
      if (refusal) return void response.writeHead(refusal.status, { "Content-Type": "text/plain" }).end(`${refusal.message}\n`);
      response.writeHead(426, { "Content-Type": "text/plain" }).end(`Faasbox control API: connect with a WebSocket to ${CONTROL_PATH}\n`);
    });
    this.http.on("upgrade", (request, socket, head) => this.upgrade(request, socket, head));
    this.wss.on("connection", (socket, request: IncomingMessage) => options.onConnection(socket, request.socket));
  }

  async listen(): Promise<string> {
    const socketPath = this.options.socketPath;
    if (socketPath) return this.listenOnSocket(socketPath);
    await new Promise<void>((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = this.http.address() as AddressInfo;
    const host = this.options.host.includes(":") ? `[${this.options.host}]` : this.options.host;
    this.url = `ws://${host}:${port}${CONTROL_PATH}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.close(1001, "emulator shutting down");
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private async listenOnSocket(socketPath: string): Promise<string> {
    privateFolder(dirname(socketPath));
    removeStaleSocket(socketPath);
    await new Promise<void>((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(socketPath, () => resolve());
    });
    // The folder is the user's own (privateFolder); the mode is a second lock.
    chmodSync(socketPath, 0o600);
    this.url = controlSocketUrl(socketPath);
    return this.url;
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== CONTROL_PATH) return refuse(socket, 404, "Not Found", `the control API is at ${CONTROL_PATH}`);
    // The token already keeps pages out (they cannot read it); the Host check is the
    // same rule as the other listeners', so no listener answers to a rebound name.
    const wrongHost = this.wrongHost(request);
    if (wrongHost) return refuse(socket, wrongHost.status, "Forbidden", wrongHost.message);
    if (!originAllowed(request)) return refuse(socket, 403, "Forbidden", "browser origins may not connect to the Faasbox control API");
    if (!tokenMatches(presentedToken(request), this.options.token)) {
      return refuse(socket, 401, "Unauthorized", "a valid token is required (?token= or Authorization: Bearer); see `faasbox status --json`");
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit("connection", ws, request));
  }

  private wrongHost(request: IncomingMessage) {
    // A Unix socket has no name to rebind: only processes that may open the file reach it.
    if (this.options.socketPath) return undefined;
    return hostRefusal(request.headers.host, { bindHost: this.options.host, allowedHosts: this.options.allowedHosts });
  }
}

/** The `ws` library's address of a WebSocket over a Unix socket: `ws+unix:SOCKET:PATH`. */
export function controlSocketUrl(socketPath: string): string {
  return `ws+unix://${socketPath}:${CONTROL_PATH}`;
}

/**
 * The socket's folder must be this user's alone: in a shared place such as /tmp another user
 * could have made it first, and then swap the socket for one of their own.
 */
function privateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = lstatSync(folder);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
    throw new Error(`--control-socket: the folder ${folder} must be a directory of your own that only you can open (mode 700); it is not, so another user could reach the socket`);
  }
}

/**
 * An earlier emulator killed without its shutdown leaves its socket file behind; the connection
 * file already told that no emulator runs for this project. Anything but a socket is not ours
 * to delete: say so instead.
 */
function removeStaleSocket(socketPath: string): void {
  let kind;
  try {
    kind = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!kind.isSocket()) throw new Error(`--control-socket ${socketPath}: a file that is not a socket is in the way; choose another path or remove it`);
  rmSync(socketPath, { force: true });
}

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}
