// The AWS_IAM check of a function URL: "When your function URL receives a request, Lambda also
// calculates the SigV4 signature. Lambda processes the request only if the signatures match"
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-invocation-basics).
// The expected signature is computed by the signer the AWS SDKs use (@smithy/signature-v4) over
// the request as received, restricted to the headers the caller says it signed, with the local
// credentials every function gets (credentials/functionCredentials.ts): locally they stand for
// the one IAM identity allowed to call, as there is no IAM policy to evaluate.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** What the signer hands a hash: text, or bytes. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

/** The local identity a signed request must be signed by. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The request as the listener received it. */
export interface SignedRequest {
  method: string;
  /** The path as sent on the wire (still percent-encoded), without the query. */
  path: string;
  rawQuery: string;
  /** Lower-cased names; repeated headers joined by commas. */
  headers: Record<string, string>;
  body: Buffer;
}

export type SigV4Outcome =
  | { ok: true; accessKeyId: string }
  | { ok: false; status: 403; body: Record<string, string>; errorType: string; why: string };

/**
 * "the signed portions (using AWS Signatures) of requests are valid within 15 minutes of the
 * timestamp in the request" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html).
 */
const VALIDITY_MS = 15 * 60_000;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/**
 * The refusal bodies. An unsigned request: 403 {"Message":"Forbidden"}; the Lambda docs give no
 * body (urls-auth.html), this is what a function URL answers (observed,
 * https://www.srcecde.me/posts/2023/10/hands-on-aws-lambda-function-url-with-aws-iam-authentication-type/
 * shows the 403 "Forbidden"). A signature that does not match: 403 with the message of
 * https://github.com/RJPearson94/terraform-aws-open-next/pull/48 (a function URL's answer, observed).
 * An unknown key, a wrong scope and an expired date: the messages AWS's SigV4 services give
 * (the Lambda docs are silent on which a function URL sends).
 */
const FORBIDDEN = { Message: "Forbidden" };
const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

function refuse(errorType: string, body: Record<string, string>, why: string): SigV4Outcome {
  return { ok: false, status: 403, body, errorType, why };
}

/** Node's SHA-256 (and HMAC) in the shape the signer asks for. */
export class NodeSha256 {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** 20240102T030405Z as a Date, or undefined. */
function parseAmzDate(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks the request's SigV4 signature (service `lambda`, the function's region) against the
 * local credentials. `credentials` undefined: functions get no keys here (--no-credentials or
 * none found), so no request can be signed by the local identity.
 */
export async function checkSigV4(request: SignedRequest, region: string, credentials: SigningCredentials | undefined, now = new Date()): Promise<SigV4Outcome> {
  const authorization = request.headers.authorization;
  if (!authorization) return refuse("AccessDeniedException", FORBIDDEN, "the URL's AuthType is AWS_IAM and the request is not signed (no Authorization header)");
  const parts = AUTHORIZATION.exec(authorization.trim());
  if (!parts) return refuse("IncompleteSignatureException", { message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters of the AWS4-HMAC-SHA256 algorithm." }, "the Authorization header is not a SigV4 (AWS4-HMAC-SHA256) one");
  const [, accessKeyId, shortDate, scopeRegion, scopeService, signedHeaderList, signature] = parts;
  if (!credentials) {
    return refuse("UnrecognizedClientException", { message: "The security token included in the request is invalid." }, "functions get no AWS credentials in this emulator (--no-credentials, or none found), so no key is accepted");
  }
  if (accessKeyId !== credentials.accessKeyId) {
    return refuse("UnrecognizedClientException", { message: "The security token included in the request is invalid." }, `the request is signed with access key ${accessKeyId.slice(0, 4)}…, not the one functions get locally`);
  }
  if (scopeService !== "lambda" || scopeRegion !== region) {
    return refuse("InvalidSignatureException", { message: `Credential should be scoped to correct service: 'lambda' in region '${region}'.` }, `the signature is scoped to ${scopeService} in ${scopeRegion}, not lambda in ${region}`);
  }
  const signedNames = signedHeaderList.split(";");
  const date = parseAmzDate(request.headers["x-amz-date"]);
  if (!date || !signedNames.includes("x-amz-date") || !signedNames.includes("host")) {
    return refuse("IncompleteSignatureException", { message: "Authorization header requires signed 'host' and 'x-amz-date' headers." }, "the signature must cover the Host and X-Amz-Date headers");
  }
  if (request.headers["x-amz-date"]!.slice(0, 8) !== shortDate) return refuse("InvalidSignatureException", { message: MISMATCH }, "X-Amz-Date is not on the day of the credential scope");
  if (Math.abs(now.getTime() - date.getTime()) > VALIDITY_MS) {
    const stamp = request.headers["x-amz-date"];
    return refuse("InvalidSignatureException", { message: `Signature expired: ${stamp} is now earlier than ${amzDate(new Date(now.getTime() - VALIDITY_MS))} (${amzDate(now)} - 15 min.)` }, `the signature's date ${stamp} is more than 15 minutes from now`);
  }
  if (credentials.sessionToken && request.headers["x-amz-security-token"] !== credentials.sessionToken) {
    return refuse("UnrecognizedClientException", { message: "The security token included in the request is invalid." }, "the local credentials have a session token and the request's X-Amz-Security-Token is not it");
  }
  // A signed content hash stands for the body in the signature: it must be the body's own.
  const contentHash = request.headers["x-amz-content-sha256"];
  if (contentHash !== undefined && contentHash !== UNSIGNED_PAYLOAD && contentHash !== createHash("sha256").update(request.body).digest("hex")) {
    return refuse("InvalidSignatureException", { message: MISMATCH }, "the body is not the one the signature's X-Amz-Content-Sha256 covers");
  }

  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = request.headers[name];
    if (value === undefined) return refuse("InvalidSignatureException", { message: MISMATCH }, `the signed header ${name} is missing from the request`);
    headers[name] = value;
  }
  // Loaded on the first signed request: an emulator that never sees one does not hold the signer's modules.
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const signer = new SignatureV4({
    service: "lambda", region, sha256: NodeSha256, applyChecksum: false,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
  });
  const expected = await signer.sign(
    { method: request.method, protocol: "https:", hostname: headers.host, path: request.path, query: queryOf(request.rawQuery), headers, body: request.body },
    { signingDate: date, signableHeaders: new Set(signedNames) },
  );
  const expectedSignature = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? "";
  if (!sameText(expectedSignature, signature)) return refuse("InvalidSignatureException", { message: MISMATCH }, "the signature does not match the request (method, path, query, signed headers and body) signed with the local secret key");
  return { ok: true, accessKeyId };
}

function queryOf(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const had = query[key];
    query[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return query;
}

function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}
