import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The token a client presented: `?token=` or `Authorization: Bearer`. */
export function presentedToken(request: IncomingMessage): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice("Bearer ".length).trim();
  const url = new URL(request.url ?? "/", "http://localhost");
  return url.searchParams.get("token") ?? undefined;
}

/** Constant-time comparison; hashing first also hides the token's length. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Browsers always send Origin on a WebSocket handshake; the extension and the CLI
 * (Node clients) send none. Refusing every Origin stops a web page from driving the
 * emulator (cross-site WebSocket hijacking), even one that guessed the port.
 */
export function originAllowed(request: IncomingMessage): boolean {
  return request.headers.origin === undefined;
}
