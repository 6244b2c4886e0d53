import { eventBridgeEvent } from "./eventBridgeEvents";
import { messageEvent } from "./messageEvents";
import { dynamodbRecord, kinesisRecord } from "./streamEvents";

// Samples of the Lambda event sources that have no SCF counterpart, in AWS's documented
// shapes, built by the same code that delivers them so a sample is what a function gets.
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (Example event)
// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (Example event)
// https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (Example event)
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html

/** An SQS event with a batch of three messages, as a mapping with BatchSize ≥ 3 receives. */
export function sqsBatchSample(region: string, now: Date): unknown {
  const bodies = [{ orderId: "o-1" }, { orderId: "o-2" }, { orderId: "o-3" }];
  const messages = bodies.map((body, i) => ({
    id: `c0ffee00-0000-4000-8000-00000000000${i + 1}`, body: JSON.stringify(body), publishedAt: now.getTime(), attempts: 1,
  }));
  return messageEvent("aws", { name: "my-queue", kind: "queue", region }, messages);
}

export function kinesisSample(region: string, now: Date): unknown {
  const sequences = ["49590338271490256608559692538361571095921575989136588898", "49590338271490256608559692540925702759324208523137515618"];
  return {
    Records: [
      kinesisRecord("my-stream", region, { data: JSON.stringify({ type: "buy", item: "book" }), partitionKey: "user-1" }, sequences[0], now),
      kinesisRecord("my-stream", region, { data: "Hello, this is a test.", partitionKey: "user-2" }, sequences[1], now),
    ],
  };
}

export function dynamodbSample(region: string, now: Date): unknown {
  return {
    Records: [
      dynamodbRecord("my-table", region, { eventName: "INSERT", keys: { id: "101" }, newImage: { id: "101", message: "New item!" } }, "111", now),
      dynamodbRecord("my-table", region, {
        eventName: "MODIFY", keys: { id: "101" }, newImage: { id: "101", message: "This item has changed" }, oldImage: { id: "101", message: "New item!" },
      }, "222", now),
      dynamodbRecord("my-table", region, { eventName: "REMOVE", keys: { id: "101" }, oldImage: { id: "101", message: "This item has changed" } }, "333", now),
    ],
  };
}

export function eventBridgeSample(region: string, now: Date): unknown {
  return eventBridgeEvent(
    { bus: "default", source: "com.example.orders", detailType: "Order Placed", detail: { orderId: "o-1", total: 42.5 }, resources: [], time: now },
    region,
    "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  );
}
