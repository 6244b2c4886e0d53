import { createHash, randomUUID } from "node:crypto";
import type { Dialect } from "../../project/spec";
import { LOCAL_ACCOUNT_ID, LOCAL_TENCENT_UIN } from "../../project/localAccount";

export interface QueuedMessage {
  id: string;
  body: string;
  /** Milliseconds since the epoch. */
  publishedAt: number;
  attempts: number;
  subject?: string;
}

export interface MessageSource {
  /** Topic or queue name. */
  name: string;
  kind: "topic" | "queue";
  region: string;
}

/** One Kafka message as a CKafka trigger's event carries it. */
export interface CkafkaMessage {
  topic: string;
  partition: number;
  offset: number;
  msgKey: string;
  msgBody: string;
}

/**
 * A record of SCF's CKafka trigger event: `{Ckafka: {topic, partition, offset, msgKey, msgBody}}`.
 * https://www.tencentcloud.com/document/product/583/17530 (event message structure)
 */
export function ckafkaRecord(message: CkafkaMessage): { Ckafka: CkafkaMessage } {
  const { topic, partition, offset, msgKey, msgBody } = message;
  return { Ckafka: { topic, partition, offset, msgKey, msgBody } };
}

/**
 * A batch of messages as the function's cloud delivers it: SCF's CMQ topic or CKafka
 * records, or Lambda's SNS or SQS records.
 */
export function messageEvent(dialect: Dialect, source: MessageSource, messages: QueuedMessage[]): unknown {
  const records = messages.map((m) => {
    const published = new Date(m.publishedAt).toISOString();
    if (dialect === "scf") {
      // SCF's CMQ topic event (https://www.tencentcloud.com/document/product/583/11517): msgTag is
      // "Message tag list recorded through strings", its sample "tag1,tag2" (an older edition of the
      // page showed an array; the current one is followed). Local messages carry no tags: "".
      return source.kind === "topic"
        ? { CMQ: { type: "topic", topicOwner: Number(LOCAL_TENCENT_UIN), topicName: source.name, subscriptionName: `${source.name}-faasbox`, publishTime: published, msgId: m.id, requestId: randomUUID(), msgBody: m.body, msgTag: "" } }
        : ckafkaRecord({ topic: source.name, partition: 0, offset: m.publishedAt, msgKey: m.id, msgBody: m.body });
    }
    if (source.kind === "topic") {
      const topicArn = `arn:aws:sns:${source.region}:${LOCAL_ACCOUNT_ID}:${source.name}`;
      return {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:${m.id}`,
        Sns: {
          Type: "Notification", MessageId: m.id, TopicArn: topicArn, Subject: m.subject ?? null, Message: m.body, Timestamp: published,
          SignatureVersion: "1", Signature: "FAASBOX-LOCAL", SigningCertUrl: "", UnsubscribeUrl: "", MessageAttributes: {},
        },
      };
    }
    return {
      messageId: m.id,
      receiptHandle: `${m.id}#${m.attempts}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.attempts),
        SentTimestamp: String(m.publishedAt),
        SenderId: LOCAL_ACCOUNT_ID,
        ApproximateFirstReceiveTimestamp: String(m.publishedAt),
      },
      messageAttributes: {},
      md5OfBody: createHash("md5").update(m.body).digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:${source.region}:${LOCAL_ACCOUNT_ID}:${source.name}`,
      awsRegion: source.region,
    };
  });
  return { Records: records };
}
