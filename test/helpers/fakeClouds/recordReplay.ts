import { request } from "node:http";
import { startHttpServer, type RunningServer } from "./httpServer";

/** A request as it left an SDK: replayed byte for byte, or with one change, to a fake. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A server that keeps every request it gets and answers each with `status` (and `body`):
 * an error the SDK does not retry makes one call one recorded request.
 */
export async function startRecorder(status: number, body = ""): Promise<RunningServer & { recorded: RawRequest[] }> {
  const recorded: RawRequest[] = [];
  const server = await startHttpServer((req, received, res) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
    recorded.push({ method: req.method!, path: req.url!, headers, body: received });
    res.writeHead(status, body ? { "content-type": "application/xml" } : {}).end(body);
  });
  return { ...server, recorded };
}

/** Sends a recorded request (with `change` applied) to `to` and returns the answer. */
export function replay(to: string, raw: RawRequest, change: Partial<RawRequest> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const target = new URL(to);
  const sent = { ...raw, ...change };
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, method: sent.method, path: sent.path, headers: { ...sent.headers, "content-length": String(sent.body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(sent.body);
  });
}
