import type { IncomingMessage, ServerResponse } from "node:http";
import { diagnosisHeader, FAASBOX_ERROR_HEADER } from "./gatewayErrors";
import type { GatewayResponse } from "./gatewayResponse";

/** A request's headers as lists (repeats kept), under the names `nameOf` gives (lower case, or as sent). */
export function headerLists(request: IncomingMessage, nameOf: (name: string) => string): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) (headers[nameOf(raw[i])] ??= []).push(raw[i + 1]);
  return headers;
}

/** The whole body, or undefined when it is over `limit` bytes (read to its end all the same, so the answer can be sent). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks, size)));
    request.on("error", reject);
  });
}

/** Writes a mapped answer, with Faasbox's diagnosis in its own header (never in the body); once. */
export function send(response: ServerResponse, mapped: GatewayResponse, headOnly = false): void {
  if (response.headersSent) return;
  const diagnosis = mapped.diagnosis === undefined ? {} : { [FAASBOX_ERROR_HEADER]: diagnosisHeader(mapped.diagnosis) };
  response.writeHead(mapped.status, { ...mapped.headers, ...diagnosis, "content-length": mapped.body.length });
  response.end(headOnly ? undefined : mapped.body);
}
