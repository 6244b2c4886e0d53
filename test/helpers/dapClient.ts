import { connect, type Socket } from "node:net";

/** A minimal Debug Adapter Protocol client over TCP (Content-Length framing), for tests. */
export class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly waiters: { event: string; resolve: (body: any) => void }[] = [];
  private readonly events: { event: string; body: any }[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk) => this.onData(chunk));
  }

  static connect(port: number): Promise<DapClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new DapClient(socket)));
      socket.once("error", reject);
    });
  }

  request(command: string, args: object = {}): Promise<any> {
    const seq = this.seq++;
    const text = JSON.stringify({ seq, type: "request", command, arguments: args });
    this.socket.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    return new Promise((resolve, reject) => this.pending.set(seq, { resolve, reject }));
  }

  next(event: string, timeoutMs = 30_000): Promise<any> {
    const index = this.events.findIndex((e) => e.event === event);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0].body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ event, resolve: (body) => (clearTimeout(timer), resolve(body)) });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.type === "response") {
        const pending = this.pending.get(message.request_seq);
        this.pending.delete(message.request_seq);
        if (message.success) pending?.resolve(message.body);
        else pending?.reject(new Error(message.message));
      } else if (message.type === "event") {
        const waiter = this.waiters.findIndex((w) => w.event === message.event);
        if (waiter >= 0) this.waiters.splice(waiter, 1)[0].resolve(message.body);
        else this.events.push({ event: message.event, body: message.body });
      }
    }
  }
}
