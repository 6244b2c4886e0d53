import type { Duplex } from "node:stream";
import type WebSocket from "ws";
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createMessageConnection,
  Disposable,
  type DataCallback,
  type Message,
  type MessageConnection,
} from "vscode-jsonrpc/node";
import { ErrorCodes } from "../protocol";

/**
 * JSON-RPC messages over a WebSocket, one message per frame. A frame that is not a
 * JSON-RPC 2.0 message is answered with the standard error and dropped: the
 * connection stays up.
 */
class WebSocketReader extends AbstractMessageReader {
  constructor(private readonly socket: WebSocket) {
    super();
    socket.on("close", () => this.fireClose());
    socket.on("error", (error) => this.fireError(error));
  }

  listen(callback: DataCallback): Disposable {
    const onMessage = (data: WebSocket.RawData) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch (error) {
        return this.reject(ErrorCodes.ParseError, `Parse error: the frame is not JSON (${(error as Error).message})`);
      }
      if (Array.isArray(message)) return this.reject(ErrorCodes.InvalidRequest, "Invalid Request: batch requests are not supported; send one message per frame");
      if (!message || typeof message !== "object" || (message as { jsonrpc?: unknown }).jsonrpc !== "2.0") {
        return this.reject(ErrorCodes.InvalidRequest, 'Invalid Request: expected a JSON-RPC 2.0 object with "jsonrpc": "2.0"');
      }
      const { method, id } = message as { method?: unknown; id?: unknown };
      if (method !== undefined && typeof method !== "string") return this.reject(ErrorCodes.InvalidRequest, "Invalid Request: method must be a string", id);
      callback(message as Message);
    };
    this.socket.on("message", onMessage);
    return Disposable.create(() => this.socket.off("message", onMessage));
  }

  private reject(code: number, message: string, id: unknown = null): void {
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.send(JSON.stringify({ jsonrpc: "2.0", id: typeof id === "string" || typeof id === "number" ? id : null, error: { code, message } }));
    }
  }
}

class WebSocketWriter extends AbstractMessageWriter {
  private corked = false;

  constructor(private readonly socket: WebSocket, private readonly raw?: Duplex) {
    super();
  }

  write(message: Message): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return Promise.reject(new Error("the WebSocket is closed"));
    this.holdUntilImmediate();
    this.socket.send(JSON.stringify(message));
    return Promise.resolve();
  }

  /**
   * The messages of one turn of the event loop leave in one write: a warm invocation sends a
   * client up to four (the instance busy, idle, invocationFinished, the result), and one system
   * call each was the daemon's largest cost under load (issue 21's profiles).
   */
  private holdUntilImmediate(): void {
    const raw = this.raw;
    if (this.corked || !raw) return;
    this.corked = true;
    raw.cork();
    setImmediate(() => {
      this.corked = false;
      raw.uncork();
    });
  }

  end(): void {}
}

/** `raw`: the WebSocket's own TCP socket, where the server has it, so that writes can be batched. */
export function jsonRpcOverWebSocket(socket: WebSocket, raw?: Duplex): MessageConnection {
  return createMessageConnection(new WebSocketReader(socket), new WebSocketWriter(socket, raw));
}
