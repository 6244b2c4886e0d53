import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { header } from "./httpServer";

export type CosAuthResult = { ok: true; secretId: string } | { ok: false; status: number; code: string; message: string };

const FIELDS = ["q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"];

/**
 * Checks a COS XML API request signature as COS describes it (https://cloud.tencent.com/document/product/436/7778):
 * SignKey = HMAC-SHA1(SecretKey, q-key-time) in hex; HttpString = the lower-case method,
 * the decoded path, then the listed query parameters and headers, each as
 * lower-case(UrlEncode(name))=UrlEncode(value), sorted and joined by "&", each part ending
 * in "\n"; StringToSign = "sha1\n" + q-sign-time + "\n" + SHA1(HttpString) in hex + "\n";
 * the signature is HMAC-SHA1(SignKey, StringToSign) in hex. Failures carry COS's codes.
 */
export function verifyCosSignature(req: IncomingMessage, secrets: ReadonlyMap<string, string>, nowSeconds = Math.floor(Date.now() / 1000)): CosAuthResult {
  const fail = (status: number, code: string, message: string): CosAuthResult => ({ ok: false, status, code, message });
  const authorization = header(req, "authorization");
  if (!authorization) return fail(403, "AccessDenied", "Access Denied.");
  const fields = new Map<string, string>();
  for (const pair of authorization.split("&")) {
    const at = pair.indexOf("=");
    if (at > 0) fields.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const missing = FIELDS.find((name) => !fields.has(name));
  if (missing || fields.get("q-sign-algorithm") !== "sha1") {
    return fail(403, "AccessDenied", `The Authorization header is not valid: ${missing ? `${missing} is missing` : "q-sign-algorithm must be sha1"}.`);
  }
  const secretId = fields.get("q-ak")!;
  const secretKey = secrets.get(secretId);
  if (secretKey === undefined) return fail(403, "InvalidAccessKeyId", "The SecretId you provided does not exist.");

  const signTime = fields.get("q-sign-time")!;
  const keyTime = fields.get("q-key-time")!;
  const window = /^(\d+);(\d+)$/.exec(signTime);
  if (!window) return fail(403, "AccessDenied", "The q-sign-time of the Authorization header is not valid.");
  if (nowSeconds > Number(window[2])) return fail(403, "AccessDenied", "Request has expired");
  if (Number(window[1]) > nowSeconds + 900) return fail(403, "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large.");

  const url = new URL(req.url ?? "/", "http://placeholder");
  const headerList = listOf(fields.get("q-header-list")!);
  const paramList = listOf(fields.get("q-url-param-list")!);
  const params = paramList.map((name) => pair(name, findParam(url.searchParams, name)));
  const headers = headerList.map((name) => pair(name, header(req, name) ?? ""));
  const httpString = [req.method!.toLowerCase(), decodeURIComponent(url.pathname), params.join("&"), headers.join("&"), ""].join("\n");
  const stringToSign = ["sha1", signTime, sha1Hex(httpString), ""].join("\n");
  const signKey = createHmac("sha1", secretKey).update(keyTime).digest("hex");
  const expected = createHmac("sha1", signKey).update(stringToSign).digest("hex");
  const given = fields.get("q-signature")!;
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    return fail(403, "SignatureDoesNotMatch", "The Signature you specified is invalid.");
  }
  return { ok: true, secretId };
}

function listOf(value: string): string[] {
  return value === "" ? [] : value.split(";").sort();
}

/** A query parameter by its lower-case encoded name, as the list names it. */
function findParam(search: URLSearchParams, name: string): string {
  for (const [key, value] of search) if (cosEncode(key).toLowerCase() === name) return value;
  return "";
}

function pair(name: string, value: string): string {
  return `${name}=${cosEncode(value)}`;
}

/** UrlEncode as COS means it: RFC 3986, every character but the unreserved ones. */
function cosEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha1Hex(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}
