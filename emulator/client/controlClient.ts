import WebSocket from "ws";
import type { Disposable, MessageConnection, NotificationType, RequestType, RequestType0 } from "vscode-jsonrpc/node";
import { jsonRpcOverWebSocket } from "../daemon/wsTransport";

export interface ConnectOptions {
  timeoutMs?: number;
}

/** Why a connection was refused, in words a user can act on. */
export class ConnectError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/**
 * A client of the control API: typed requests and notifications over one WebSocket.
 * Used by the CLI and the extension; neither touches the socket itself.
 */
export class ControlClient {
  /**
   * The requests not yet answered, each by its reject: when the socket closes they fail instead of
   * hanging (the emulator stopped or crashed). Not a race with one long-lived "closed" promise:
   * every race left a reaction on it, which kept each answer ever received in memory for the
   * client's life (the extension's client grew by every result it was sent).
   */
  private readonly unanswered = new Set<(error: Error) => void>();
  private closedError?: ConnectError;

  private constructor(private readonly socket: WebSocket, private readonly connection: MessageConnection) {
    socket.once("close", () => {
      this.closedError = new ConnectError("the emulator closed the connection before it answered (it stopped or crashed)");
      for (const reject of this.unanswered) reject(this.closedError);
      this.unanswered.clear();
    });
  }

  static async connect(url: string, token: string, options: ConnectOptions = {}): Promise<ControlClient> {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, maxPayload: 64 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new ConnectError(`no answer from the emulator at ${url} within ${options.timeoutMs ?? 5000} ms`));
      }, options.timeoutMs ?? 5000);
      socket.once("open", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once("unexpected-response", (_request, response) => {
        clearTimeout(timer);
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => reject(new ConnectError(`the emulator refused the connection (${response.statusCode}): ${body}`, response.statusCode)));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(new ConnectError(`cannot reach the emulator at ${url}: ${error.message}`));
      });
    });
    const connection = jsonRpcOverWebSocket(socket);
    connection.listen();
    return new ControlClient(socket, connection);
  }

  request<R>(type: RequestType0<R, void>): Promise<R>;
  request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R>;
  request(type: RequestType0<unknown, void> | RequestType<unknown, unknown, void>, params?: unknown): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const sent = params === undefined
      ? this.connection.sendRequest(type as RequestType0<unknown, void>)
      : this.connection.sendRequest(type as RequestType<unknown, unknown, void>, params);
    return new Promise((resolve, reject) => {
      this.unanswered.add(reject);
      sent.then(
        (result) => (this.unanswered.delete(reject), resolve(result)),
        (error) => (this.unanswered.delete(reject), reject(error)),
      );
    });
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable {
    return this.connection.onNotification(type, handler);
  }

  onClose(handler: () => void): void {
    this.socket.once("close", handler);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  dispose(): void {
    this.connection.dispose();
    this.socket.close();
  }
}
