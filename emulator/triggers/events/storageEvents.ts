import { randomUUID } from "node:crypto";
import type { Dialect } from "../../project/spec";

export interface StorageChange {
  bucket: string;
  key: string;
  size: number;
  created: boolean;
  region: string;
  time: Date;
  etag?: string;
}

/** A COS notification for SCF, or an S3 notification for Lambda. */
export function storageEvent(dialect: Dialect, c: StorageChange): unknown {
  const time = c.time.toISOString();
  if (dialect === "scf") {
    return {
      Records: [{
        cos: {
          cosSchemaVersion: "1.0",
          cosObject: { url: `http://${c.bucket}-1250000000.cos.${c.region}.myqcloud.com/${c.key}`, meta: { "Content-Type": "", "x-cos-request-id": randomUUID() }, vid: "", key: `/1250000000/${c.bucket}/${c.key}`, size: c.size },
          cosBucket: { region: c.region, name: c.bucket, appid: "1250000000" },
          cosNotificationId: "faasbox",
        },
        event: {
          eventName: c.created ? "cos:ObjectCreated:Put" : "cos:ObjectRemove:Delete",
          eventVersion: "1.0",
          eventTime: Math.floor(c.time.getTime() / 1000),
          eventSource: "qcs::cos",
          requestParameters: { requestSourceIP: "127.0.0.1", requestHeaders: { Authorization: "" } },
          eventQueue: `qcs:0:scf:${c.region}:appid/1250000000:default.$LATEST`,
          reservedInfo: "",
          reqid: Date.now(),
        },
      }],
    };
  }
  return {
    Records: [{
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: c.region,
      eventTime: time,
      eventName: c.created ? "ObjectCreated:Put" : "ObjectRemoved:Delete",
      userIdentity: { principalId: "AWS:FAASBOX" },
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      responseElements: { "x-amz-request-id": randomUUID().slice(0, 16).toUpperCase(), "x-amz-id-2": randomUUID() },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "faasbox",
        bucket: { name: c.bucket, ownerIdentity: { principalId: "FAASBOX" }, arn: `arn:aws:s3:::${c.bucket}` },
        object: { key: encodeURIComponent(c.key).replace(/%2F/g, "/"), ...(c.created ? { size: c.size, eTag: c.etag ?? "" } : {}), sequencer: Date.now().toString(16).toUpperCase() },
      },
    }],
  };
}
