import { randomUUID } from "node:crypto";
import { toItem } from "./dynamodbJson";
import { LOCAL_ACCOUNT_ID } from "../../project/localAccount";


/** One record put on a Kinesis stream (`faasbox publish --stream`). */
export interface KinesisPut {
  /** The record's bytes as text; the event carries them base64-encoded. */
  data: string;
  partitionKey?: string;
}

/**
 * A Kinesis record as Lambda delivers it: `kinesis.data` is base64, the sequence number a
 * decimal string, approximateArrivalTimestamp seconds since the epoch (with a fraction).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (Example event)
 */
export function kinesisRecord(stream: string, region: string, put: KinesisPut, sequenceNumber: string, arrival: Date): Record<string, unknown> {
  const shardId = "shardId-000000000000"; // one shard locally
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: put.partitionKey ?? randomUUID(),
      sequenceNumber,
      data: Buffer.from(put.data, "utf8").toString("base64"),
      approximateArrivalTimestamp: arrival.getTime() / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/faasbox-local`,
    awsRegion: region,
    eventSourceARN: `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT_ID}:stream/${stream}`,
  };
}

/** One change to a table (`faasbox publish --dynamodb-stream`, later the database trigger), in plain JSON. */
export interface TableChange {
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  keys: Record<string, unknown>;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

export type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";

/**
 * A DynamoDB stream record as Lambda delivers it: Keys and images as attribute values,
 * only the images the table's StreamViewType keeps, ApproximateCreationDateTime in
 * seconds, and the stream's ARN under the table's.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (Example event)
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
 */
export function dynamodbRecord(table: string, region: string, change: TableChange, sequenceNumber: string, created: Date, viewType: StreamViewType = "NEW_AND_OLD_IMAGES"): Record<string, unknown> {
  const keepNew = viewType === "NEW_IMAGE" || viewType === "NEW_AND_OLD_IMAGES";
  const keepOld = viewType === "OLD_IMAGE" || viewType === "NEW_AND_OLD_IMAGES";
  const dynamodb: Record<string, unknown> = {
    ApproximateCreationDateTime: Math.floor(created.getTime() / 1000),
    Keys: toItem(change.keys),
  };
  if (keepNew && change.newImage) dynamodb.NewImage = toItem(change.newImage);
  if (keepOld && change.oldImage) dynamodb.OldImage = toItem(change.oldImage);
  dynamodb.SequenceNumber = sequenceNumber;
  dynamodb.SizeBytes = Buffer.byteLength(JSON.stringify(dynamodb));
  dynamodb.StreamViewType = viewType;
  // The stream label is the time the stream was enabled; locally a fixed one.
  return {
    eventID: randomUUID().replace(/-/g, ""),
    eventName: change.eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: region,
    dynamodb,
    eventSourceARN: `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT_ID}:table/${table}/stream/2024-01-01T00:00:00.000`,
  };
}
