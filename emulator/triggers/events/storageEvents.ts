import { randomUUID } from "node:crypto";
import { LOCAL_TENCENT_APPID } from "../../project/localAccount";
import type { Dialect } from "../../project/spec";
import { cosRegionCode } from "./cosRegionCode";

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
    const appid = LOCAL_TENCENT_APPID;
    return {
      Records: [{
        cos: {
          cosSchemaVersion: "1.0",
          cosObject: { url: `http://${c.bucket}-${appid}.cos.${c.region}.myqcloud.com/${c.key}`, meta: { "Content-Type": "", "x-cos-request-id": randomUUID() }, vid: "", key: `/${appid}/${c.bucket}/${c.key}`, size: c.size },
          // region: the short code of the sample (see cosRegionCode.ts). s3Region and cosRegion, the
          // full region name, are what SCF sends beside it today; the sample on that page predates them
          // and no page we found documents their values: the full name is Faasbox's reading.
          cosBucket: { region: cosRegionCode(c.region), name: c.bucket, appid, s3Region: c.region, cosRegion: c.region },
          cosNotificationId: "faasbox",
        },
        event: {
          eventName: c.created ? "cos:ObjectCreated:Put" : "cos:ObjectRemove:Delete",
          eventVersion: "1.0",
          eventTime: Math.floor(c.time.getTime() / 1000),
          eventSource: "qcs::cos",
          requestParameters: { requestSourceIP: "127.0.0.1", requestHeaders: { Authorization: "" } },
          eventQueue: `qcs:0:scf:${c.region}:appid/${appid}:default.$LATEST`,
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
