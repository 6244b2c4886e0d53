import type { IncomingMessage } from "node:http";

export type BodyResult = { body: Buffer } | { tooLarge: number };

/**
 * Reads a request body of at most `limit` bytes. A larger body is still read to its
 * end (so the client gets the 413 rather than a reset connection) but not kept; only
 * its size is, for the error message.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    // Node discards the unread rest of the body once the response is sent.
    return Promise.resolve({ tooLarge: declared });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.once("end", () => resolve(size > limit ? { tooLarge: size } : { body: Buffer.concat(chunks, size) }));
    request.once("error", reject);
  });
}
