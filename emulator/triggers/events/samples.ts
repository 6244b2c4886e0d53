import type { Dialect } from "../../project/spec";
import { httpEvent, sampleRequest } from "./httpEvents";
import { messageEvent } from "./messageEvents";
import { storageEvent } from "./storageEvents";
import { timerEvent } from "./timerEvents";
import { dynamodbSample, eventBridgeSample, kinesisSample, sqsBatchSample } from "./sourceSamples";

export const SAMPLE_TYPES = ["apigw", "http", "timer", "topic", "queue", "cos", "sqs-batch", "kinesis", "dynamodb", "eventbridge"] as const;
export type SampleType = (typeof SAMPLE_TYPES)[number];

export const SAMPLE_DESCRIPTIONS: Record<SampleType, string> = {
  apigw: "API gateway request (SCF API gateway; Lambda REST API, payload 1.0)",
  http: "HTTP API request (Lambda payload 2.0; SCF API gateway)",
  timer: "timer trigger (SCF Timer; EventBridge Scheduled Event)",
  topic: "topic message (SCF CMQ topic; SNS)",
  queue: "queue message (SCF CKafka; SQS)",
  cos: "object created in a bucket (COS; S3)",
  "sqs-batch": "a batch of three SQS messages (Lambda SQS event source mapping)",
  kinesis: "Kinesis stream records, data base64-encoded (Lambda only)",
  dynamodb: "DynamoDB stream records: INSERT, MODIFY, REMOVE (Lambda only)",
  eventbridge: "an event put on an EventBridge bus, as a rule's target receives it (Lambda only)",
};

/** A realistic event of `type` in `dialect`, for `faasbox event generate` and the editor's templates. */
export function sampleEvent(type: SampleType, dialect: Dialect, region = dialect === "scf" ? "ap-guangzhou" : "us-east-1"): unknown {
  const now = new Date();
  const message = { id: "c0ffee00-0000-4000-8000-000000000001", body: JSON.stringify({ hello: "faasbox" }), publishedAt: now.getTime(), attempts: 1 };
  switch (type) {
    case "apigw":
    case "http": {
      const payload = dialect === "scf" ? "scf" : type === "apigw" ? "aws-v1" : "aws-v2";
      return httpEvent({ kind: "http", method: "GET", path: "/hello", payload }, sampleRequest());
    }
    case "timer":
      return timerEvent(dialect, { triggerName: "every-minute", functionName: "my-function", region, time: now, message: "hello from a timer" });
    case "topic":
      return messageEvent(dialect, { name: "my-topic", kind: "topic", region }, [message]);
    case "queue":
      return messageEvent(dialect, { name: "my-queue", kind: "queue", region }, [message]);
    case "cos":
      return storageEvent(dialect, { bucket: "my-bucket", key: "uploads/photo.png", size: 1024, created: true, region, time: now, etag: "d41d8cd98f00b204e9800998ecf8427e" });
    // Lambda-only sources: SCF has no such trigger, so the sample is AWS's whatever the dialect
    // (an SCF function can still be invoked with it); the region is then AWS's default.
    case "sqs-batch":
      return sqsBatchSample(awsRegion(dialect, region), now);
    case "kinesis":
      return kinesisSample(awsRegion(dialect, region), now);
    case "dynamodb":
      return dynamodbSample(awsRegion(dialect, region), now);
    case "eventbridge":
      return eventBridgeSample(awsRegion(dialect, region), now);
  }
}

function awsRegion(dialect: Dialect, region: string): string {
  return dialect === "aws" ? region : "us-east-1";
}
