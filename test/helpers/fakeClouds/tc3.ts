import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { header } from "./httpServer";

export interface Tc3Failure {
  ok: false;
  code: string;
  message: string;
}

export interface Tc3Success {
  ok: true;
  secretId: string;
}

/**
 * Checks a Tencent Cloud API 3.0 request the way the API gateway does (signature v3): it
 * rebuilds the canonical request from the bytes received (method, path, query, the signed
 * headers with lower-case names and values, the SHA-256 of the body), the string to sign
 * over X-TC-Timestamp and the credential scope, derives the key from "TC3" + SecretKey
 * through date, service and "tc3_request", and compares. Codes are the API's documented
 * common error codes.
 */
export function verifyTc3(
  req: IncomingMessage,
  body: Buffer,
  secrets: ReadonlyMap<string, string>,
  service: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Tc3Success | Tc3Failure {
  const fail = (code: string, message: string): Tc3Failure => ({ ok: false, code, message });
  const authorization = header(req, "authorization") ?? "";
  const match = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return fail("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.");
  const [, secretId, date, scopeService, signedHeaders, signature] = match;
  const secretKey = secrets.get(secretId);
  if (secretKey === undefined) return fail("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.");

  const timestamp = Number(header(req, "x-tc-timestamp"));
  if (!Number.isInteger(timestamp)) return fail("MissingParameter", "The request is missing a required parameter `X-TC-Timestamp`.");
  if (Math.abs(nowSeconds - timestamp) > 300) {
    return fail("AuthFailure.SignatureExpire", "Signature expired. Timestamp and server time cannot differ by more than 5 minutes.");
  }
  if (date !== new Date(timestamp * 1000).toISOString().slice(0, 10) || scopeService !== service) {
    return fail("AuthFailure.SignatureFailure", `The provided credentials could not be validated: the credential scope must be DATE-OF-X-TC-Timestamp/${service}/tc3_request.`);
  }
  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("content-type") || !headerNames.includes("host")) {
    return fail("AuthFailure.SignatureFailure", "The provided credentials could not be validated: SignedHeaders must include content-type and host.");
  }

  const url = new URL(req.url ?? "/", "http://placeholder");
  const canonicalHeaders = headerNames.map((name) => `${name}:${canonicalHeaderValue(req, name)}\n`).join("");
  const canonicalRequest = [req.method, url.pathname, url.search.slice(1), canonicalHeaders, signedHeaders, sha256Hex(body)].join("\n");
  const stringToSign = ["TC3-HMAC-SHA256", String(timestamp), `${date}/${service}/tc3_request`, sha256Hex(canonicalRequest)].join("\n");
  const kDate = hmac(`TC3${secretKey}`, date);
  const kService = hmac(kDate, service);
  const kSigning = hmac(kService, "tc3_request");
  const expected = hmac(kSigning, stringToSign).toString("hex");
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return fail("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.");
  }
  return { ok: true, secretId };
}

/** Header values lower-cased and trimmed; the host without a port, as the signer takes it from the URL's hostname. */
function canonicalHeaderValue(req: IncomingMessage, name: string): string {
  const value = (header(req, name) ?? "").trim().toLowerCase();
  return name === "host" ? value.replace(/:\d+$/, "") : value;
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
