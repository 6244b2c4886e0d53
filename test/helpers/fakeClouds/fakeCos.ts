import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeBuckets } from "./buckets";
import { verifyCosSignature } from "./cosSignature";
import { SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "./fakeScf";
import { FakeHttpService, header } from "./httpServer";

/** The test account's APPID, the suffix COS puts on its bucket names. */
export const COS_TEST_APPID = "1250000000";

class CosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A local COS XML API for PUT and HEAD Object, as cos-nodejs-sdk-v5 calls it: virtual-hosted
 * addresses (Host: NAME-APPID.cos.REGION.myqcloud.com), the q-sign-algorithm=sha1 signature
 * checked with the test key, errors as COS's XML <Error> with the x-cos-request-id header
 * (no body for HEAD, as HTTP wants). Objects live in `buckets`, where the fake SCF finds them.
 */
export class FakeCos extends FakeHttpService {
  readonly buckets = new FakeBuckets();
  /** SecretId → SecretKey accepted: the same Tencent Cloud key as the fake SCF's. */
  readonly secrets = new Map([[SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY]]);

  protected handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const host = (header(req, "host") ?? "").replace(/:\d+$/, "");
    const addressed = /^([a-z0-9-]+-\d+)\.cos\.([a-z0-9-]+)\.myqcloud\.com$/.exec(host);
    const bucket = addressed?.[1] ?? "";
    const key = decodeURIComponent(new URL(req.url ?? "/", "http://placeholder").pathname).replace(/^\//, "");
    let status = 200;
    try {
      if (!addressed) throw new CosError(400, "InvalidURI", `The host ${host} is not a COS bucket address (NAME-APPID.cos.REGION.myqcloud.com).`);
      const auth = verifyCosSignature(req, this.secrets);
      if (!auth.ok) throw new CosError(auth.status, auth.code, auth.message);
      const objects = this.buckets.bucket(bucket, addressed[2]);
      if (!objects) throw new CosError(404, "NoSuchBucket", "The specified bucket does not exist.");
      if (key === "") throw new CosError(400, "InvalidArgument", "This fake answers object requests only.");
      if (req.method === "HEAD") {
        const object = objects.get(key);
        if (!object) throw new CosError(404, "NoSuchKey", "The specified key does not exist.");
        this.reply(res, 200, { "content-length": String(object.length), etag: etag(object) });
      } else if (req.method === "PUT") {
        this.checkBody(req, body);
        objects.set(key, body);
        this.reply(res, 200, { etag: etag(body), "content-length": "0" });
      } else {
        throw new CosError(405, "MethodNotAllowed", `This fake does not answer ${req.method}.`);
      }
    } catch (error) {
      if (!(error instanceof CosError)) throw error;
      status = error.status;
      this.replyError(req, res, error, `${bucket}.cos/${key}`);
    } finally {
      this.buckets.requests.push({ method: req.method ?? "", bucket, key, status });
    }
  }

  /** COS refuses a body whose length or MD5 is not the one declared. */
  private checkBody(req: IncomingMessage, body: Buffer): void {
    const length = header(req, "content-length");
    if (length === undefined) throw new CosError(411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
    if (Number(length) !== body.length) throw new CosError(400, "IncompleteBody", "The request body is shorter or longer than its Content-Length.");
    const md5 = header(req, "content-md5");
    if (md5 !== undefined && md5 !== createHash("md5").update(body).digest("base64")) {
      throw new CosError(400, "BadDigest", "The Content-MD5 you specified did not match what was received.");
    }
  }

  private reply(res: ServerResponse, status: number, headers: Record<string, string>): void {
    res.writeHead(status, { ...headers, "x-cos-request-id": requestId() });
    res.end();
  }

  private replyError(req: IncomingMessage, res: ServerResponse, error: CosError, resource: string): void {
    const id = requestId();
    if (req.method === "HEAD") {
      res.writeHead(error.status, { "x-cos-request-id": id, "content-length": "0" });
      res.end();
      return;
    }
    const xml =
      "<?xml version='1.0' encoding='utf-8' ?>" +
      `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message><Resource>${escapeXml(resource)}</Resource>` +
      `<RequestId>${id}</RequestId><TraceId>${randomBytes(24).toString("base64")}</TraceId></Error>`;
    res.writeHead(error.status, { "content-type": "application/xml", "x-cos-request-id": id });
    res.end(xml);
  }
}

function etag(body: Buffer): string {
  return `"${createHash("md5").update(body).digest("hex")}"`;
}

function requestId(): string {
  return randomBytes(18).toString("base64");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
