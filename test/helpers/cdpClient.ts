import WebSocket from "ws";

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket, for tests. */
export class CdpClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly waiters: { method: string; resolve: (params: any) => void }[] = [];
  private readonly events: { method: string; params: any }[] = [];
  /** Script ids to URLs: Node's paused call frames name scripts by id only. */
  private readonly scripts = new Map<string, string>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.id !== undefined) {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) pending?.reject(new Error(message.error.message));
        else pending?.resolve(message.result);
        return;
      }
      if (message.method === "Debugger.scriptParsed") {
        this.scripts.set(message.params.scriptId, message.params.url);
        return;
      }
      const waiter = this.waiters.findIndex((w) => w.method === message.method);
      if (waiter >= 0) this.waiters.splice(waiter, 1)[0].resolve(message.params);
      else this.events.push(message);
    });
  }

  /** Connects to a debug session's inspector, at the address the emulator gave (its port and WebSocket path). */
  static async connect(session: { port: number; webSocketPath?: string }): Promise<CdpClient> {
    if (!session.webSocketPath) throw new Error(`the debug session names no inspector address: ${JSON.stringify(session)}`);
    const socket = new WebSocket(`ws://127.0.0.1:${session.port}${session.webSocketPath}`);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    return new CdpClient(socket);
  }

  send(method: string, params: object = {}): Promise<any> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** The next event named `method` (one already received counts). */
  next(method: string, timeoutMs = 30_000): Promise<any> {
    const index = this.events.findIndex((e) => e.method === method);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0].params);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ method, resolve: (params) => (clearTimeout(timer), resolve(params)) });
    });
  }

  /** Where a paused call frame is: its script's URL and 0-based line. */
  where(frame: { location: { scriptId: string; lineNumber: number } }): { url: string; line: number } {
    return { url: this.scripts.get(frame.location.scriptId) ?? "", line: frame.location.lineNumber };
  }

  close(): void {
    this.socket.close();
  }
}
