import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { crc32 } from "node:zlib";
import { FakeBuckets } from "./buckets";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_SECRET_ACCESS_KEY } from "./fakeLambda";
import { FakeHttpService, header } from "./httpServer";
import { verifySigV4 } from "./sigv4";

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** sigv4.ts reports failures with Lambda's names; S3 has its own for the same cases. */
const S3_AUTH_CODES: Record<string, string> = {
  UnrecognizedClientException: "InvalidAccessKeyId",
  InvalidSignatureException: "SignatureDoesNotMatch",
  IncompleteSignatureException: "AuthorizationHeaderMalformed",
  MissingAuthenticationTokenException: "AccessDenied",
};

/**
 * A local S3 for PUT and HEAD Object with path-style addresses (/BUCKET/KEY), as
 * @aws-sdk/client-s3 sends them with forcePathStyle: Signature Version 4 for service "s3"
 * in the bucket's own region, the x-amz-content-sha256 S3 requires, the CRC32 or MD5 the
 * client declares checked against the body, and errors as S3's XML <Error> (no body for
 * HEAD). Objects live in `buckets`, where the fake Lambda finds them.
 */
export class FakeS3 extends FakeHttpService {
  readonly buckets = new FakeBuckets();
  readonly keys = new Map([[AWS_TEST_ACCESS_KEY_ID, AWS_TEST_SECRET_ACCESS_KEY]]);

  protected handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    const [, rawBucket = "", ...rest] = path.split("/");
    const bucket = decodeURIComponent(rawBucket);
    const key = rest.map(decodeURIComponent).join("/");
    let status = 200;
    try {
      const auth = verifySigV4(req, body, this.keys, "s3");
      if (!auth.ok) {
        const code = /expired/i.test(auth.message)
          ? "RequestTimeTooSkewed"
          : /x-amz-content-sha256/.test(auth.message)
            ? "XAmzContentSHA256Mismatch"
            : (S3_AUTH_CODES[auth.type] ?? auth.type);
        throw new S3Error(auth.status, code, auth.message);
      }
      if (header(req, "x-amz-content-sha256") === undefined) throw new S3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
      const region = this.buckets.regionOf(bucket);
      if (region === undefined) throw new S3Error(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });
      if (region !== auth.region) {
        throw new S3Error(400, "AuthorizationHeaderMalformed", `The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${region}'`, { Region: region });
      }
      const objects = this.buckets.bucket(bucket, region)!;
      if (key === "") throw new S3Error(400, "InvalidRequest", "This fake answers object requests only.");
      if (req.method === "HEAD") {
        const object = objects.get(key);
        if (!object) throw new S3Error(404, "NoSuchKey", "The specified key does not exist.");
        this.reply(res, 200, { "content-length": String(object.length), etag: etag(object) });
      } else if (req.method === "PUT") {
        checkBody(req, body);
        objects.set(key, body);
        this.reply(res, 200, { etag: etag(body) });
      } else {
        throw new S3Error(405, "MethodNotAllowed", `This fake does not answer ${req.method}.`);
      }
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      status = error.status;
      this.replyError(req, res, error, path);
    } finally {
      this.buckets.requests.push({ method: req.method ?? "", bucket, key, status });
    }
  }

  private reply(res: ServerResponse, status: number, headers: Record<string, string>): void {
    res.writeHead(status, { ...headers, ...ids() });
    res.end();
  }

  private replyError(req: IncomingMessage, res: ServerResponse, error: S3Error, resource: string): void {
    // S3 names a bucket's region in a header too, the only hint a HEAD answer can carry.
    const region = error.extra.Region ? { "x-amz-bucket-region": error.extra.Region } : {};
    if (req.method === "HEAD") {
      res.writeHead(error.status, { ...ids(), ...region, "content-length": "0" });
      res.end();
      return;
    }
    const extra = Object.entries(error.extra).map(([name, value]) => `<${name}>${value}</${name}>`).join("");
    const { "x-amz-request-id": requestId, "x-amz-id-2": hostId } = ids();
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${extra}<Resource>${escapeXml(resource)}</Resource>` +
      `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
    res.writeHead(error.status, { "content-type": "application/xml", "x-amz-request-id": requestId, "x-amz-id-2": hostId, ...region });
    res.end(xml);
  }
}

/** S3 refuses a body that does not match the checksum or MD5 the request declares. */
function checkBody(req: IncomingMessage, body: Buffer): void {
  const crc = header(req, "x-amz-checksum-crc32");
  if (crc !== undefined) {
    const computed = Buffer.alloc(4);
    computed.writeUInt32BE(crc32(body));
    if (computed.toString("base64") !== crc) throw new S3Error(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.");
  }
  const md5 = header(req, "content-md5");
  if (md5 !== undefined && md5 !== createHash("md5").update(body).digest("base64")) {
    throw new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what was received.");
  }
}

function ids(): { "x-amz-request-id": string; "x-amz-id-2": string } {
  return { "x-amz-request-id": randomBytes(8).toString("hex").toUpperCase(), "x-amz-id-2": randomBytes(32).toString("base64") };
}

function etag(body: Buffer): string {
  return `"${createHash("md5").update(body).digest("hex")}"`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
