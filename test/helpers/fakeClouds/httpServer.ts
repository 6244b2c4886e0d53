import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void> | void;

export interface RunningServer {
  /** http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port whose handler gets the whole body at once. */
export async function startHttpServer(handler: Handler): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`fake cloud crashed: ${(error as Error).stack ?? String(error)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The first value of a header, as Node gives them (lower-case names). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A fake cloud service on a free loopback port: `start()` it, read its `url`, `close()` it. */
export abstract class FakeHttpService {
  private server?: RunningServer;

  get url(): string {
    if (!this.server) throw new Error(`${this.constructor.name} not started`);
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await startHttpServer((req, body, res) => this.handle(req, body, res));
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  protected abstract handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> | void;
}
