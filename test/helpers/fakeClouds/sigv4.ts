import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { header } from "./httpServer";

export interface SigV4Failure {
  ok: false;
  status: number;
  type: string;
  message: string;
}

export interface SigV4Success {
  ok: true;
  accessKeyId: string;
  region: string;
}

/**
 * Checks an AWS Signature Version 4 request as AWS does: rebuilds the canonical request
 * from the bytes received (method; the path normalized and URI-encoded once more, as for
 * every service but S3, which signs the path exactly as sent; the query sorted by encoded name; the signed headers, lower-case,
 * trimmed, inner spaces collapsed; the payload hash, from x-amz-content-sha256 when sent,
 * which must then match the body), the string to sign over X-Amz-Date and the scope, the
 * key from "AWS4" + secret through date, region, service and "aws4_request", and compares.
 * Failures are Lambda's: 403 UnrecognizedClientException for an unknown key,
 * 403 InvalidSignatureException for a wrong signature or an expired date.
 */
export function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  keys: ReadonlyMap<string, string>,
  service: string,
  now = Date.now(),
): SigV4Success | SigV4Failure {
  const fail = (type: string, message: string, status = 403): SigV4Failure => ({ ok: false, status, type, message });
  const authorization = header(req, "authorization");
  if (!authorization) return fail("MissingAuthenticationTokenException", "Missing Authentication Token");
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return fail("IncompleteSignatureException", `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization.split(" ")[0]}`, 400);
  const [, accessKeyId, scopeDate, region, scopeService, signedHeaders, signature] = match;
  const secret = keys.get(accessKeyId);
  if (secret === undefined) return fail("UnrecognizedClientException", "The security token included in the request is invalid.");

  const amzDate = header(req, "x-amz-date") ?? "";
  const time = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!time) return fail("IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", 400);
  const signedAt = Date.UTC(+time[1], +time[2] - 1, +time[3], +time[4], +time[5], +time[6]);
  if (Math.abs(now - signedAt) > 15 * 60_000) {
    return fail("InvalidSignatureException", `Signature expired: ${amzDate} is now earlier than ${new Date(now - 15 * 60_000).toISOString()} (${new Date(now).toISOString()} - 5 min.)`);
  }
  if (scopeDate !== amzDate.slice(0, 8)) return fail("InvalidSignatureException", `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}'`);
  if (scopeService !== service) return fail("InvalidSignatureException", `Credential should be scoped to correct service: '${service}'. `);
  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host") || !headerNames.includes("x-amz-date")) {
    return fail("InvalidSignatureException", "'Host' and 'X-Amz-Date' must be signed headers.");
  }

  const bodyHash = sha256Hex(body);
  const declaredHash = header(req, "x-amz-content-sha256");
  if (declaredHash !== undefined && declaredHash !== bodyHash && declaredHash !== "UNSIGNED-PAYLOAD") {
    return fail("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
  }
  const [rawPath, rawQuery = ""] = (req.url ?? "/").split("?", 2);
  const canonicalHeaders = headerNames.map((name) => `${name}:${(header(req, name) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const path = service === "s3" ? rawPath : canonicalPath(rawPath);
  const canonicalRequest = [req.method, path, canonicalQuery(rawQuery), canonicalHeaders, signedHeaders, declaredHash ?? bodyHash].join("\n");
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${secret}`, scopeDate);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const expected = hmac(key, stringToSign).toString("hex");
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return fail(
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return { ok: true, accessKeyId, region };
}

/** RFC 3986 encoding as AWS applies it: everything but unreserved characters. */
function awsEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join("/")}${segments.length > 0 && rawPath.endsWith("/") ? "/" : ""}`;
  return awsEncode(normalized).replace(/%2F/g, "/");
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  return rawQuery
    .split("&")
    .map((pair) => {
      const [name, value = ""] = pair.split("=", 2);
      return `${awsEncode(decodeURIComponent(name))}=${awsEncode(decodeURIComponent(value))}`;
    })
    .sort()
    .join("&");
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
