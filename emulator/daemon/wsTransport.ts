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
  constructor(private readonly socket: WebSocket) {
    super();
  }

  write(message: Message): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return Promise.reject(new Error("the WebSocket is closed"));
    this.socket.send(JSON.stringify(message));
    return Promise.resolve();
  }

  end(): void {}
}

export function jsonRpcOverWebSocket(socket: WebSocket): MessageConnection {
  return createMessageConnection(new WebSocketReader(socket), new WebSocketWriter(socket));
}
