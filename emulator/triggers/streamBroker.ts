import type { AsyncQueue } from "./async/asyncQueue";
import { dynamodbRecord, kinesisRecord, type KinesisPut, type TableChange } from "./events/streamEvents";
import { batchRetry } from "./events/batchItemFailures";
import { streamBatchVerdict } from "./events/streamBatchFailures";
import { keepMatchingRecords } from "./streamFilter";
import type { AsyncEventInfo, FunctionError } from "../protocol";
import type { FunctionSpec, StreamTrigger } from "../project/spec";

interface Consumer {
  fn: FunctionSpec;
  trigger: StreamTrigger;
}

/**
 * Local Kinesis streams and DynamoDB table streams, read by Lambda event source mappings.
 * Unlike a queue, every mapping of a stream reads every record. Records get increasing
 * sequence numbers, are filtered by each mapping's FilterCriteria and go out BatchSize at
 * a time as asynchronous invocations (durable, retried, dead-lettered).
 * Differences from the cloud, by design: the cloud retries a failing batch until its
 * records expire (MaximumRetryAttempts -1) and holds the shard meanwhile; locally the
 * queue's retries apply, then the batch goes to the dead letters (`faasbox dlq`), and
 * batches are not held back behind a failing one.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
export class StreamBroker {
  private lastSequence = 0n;

  constructor(private readonly functions: () => FunctionSpec[], private readonly queue: AsyncQueue) {}

  /** "kinesis:NAME" and "dynamodb:TABLE" for every stream some function reads. */
  names(): string[] {
    return [...new Set(this.consumers().map(({ trigger }) => `${trigger.source}:${trigger.stream}`))].sort();
  }

  /** Resolves once every batch is queued on disk; the number of mappings that read the stream. */
  async putKinesis(stream: string, puts: KinesisPut[]): Promise<number> {
    const arrival = new Date();
    const consumers = this.consumers().filter((c) => c.trigger.source === "kinesis" && c.trigger.stream === stream);
    const sequences = puts.map(() => this.nextSequence());
    for (const consumer of consumers) {
      await this.deliver(consumer, puts.map((put, i) => kinesisRecord(stream, consumer.fn.region, put, sequences[i], arrival)));
    }
    return consumers.length;
  }

  async putDynamoDb(table: string, changes: TableChange[]): Promise<number> {
    const created = new Date();
    const consumers = this.consumers().filter((c) => c.trigger.source === "dynamodb" && c.trigger.stream === table);
    const sequences = changes.map(() => this.nextSequence());
    for (const consumer of consumers) {
      const records = changes.map((change, i) => dynamodbRecord(table, consumer.fn.region, change, sequences[i], created, consumer.trigger.viewType));
      await this.deliver(consumer, records);
    }
    return consumers.length;
  }

  /** For the async queue: with ReportBatchItemFailures, the records from the lowest reported sequence number on go back. */
  remainder(event: AsyncEventInfo, response: Buffer | undefined): { payload: string; error: FunctionError } | undefined {
    const [source, ...rest] = event.source.split(":");
    if (source !== "kinesis" && source !== "dynamodb") return undefined;
    const stream = rest.join(":");
    const reports = this.consumers().some(({ fn, trigger }) => fn.name === event.function && trigger.source === source && trigger.stream === stream && trigger.reportBatchItemFailures);
    if (!reports) return undefined; // without it Lambda ignores the response: the batch succeeded
    return batchRetry(streamBatchVerdict(event.payload, response), event.payload, (failed, total) => `${failed} of ${total} record(s), from the lowest sequence number reported in batchItemFailures on, are retried`);
  }

  private async deliver({ fn, trigger }: Consumer, records: Array<Record<string, unknown>>): Promise<void> {
    const kept = keepMatchingRecords(trigger.source, trigger.filters, records);
    for (let i = 0; i < kept.length; i += trigger.batchSize) {
      const batch = { Records: kept.slice(i, i + trigger.batchSize) };
      await this.queue.enqueue(fn.name, JSON.stringify(batch), `${trigger.source}:${trigger.stream}`);
    }
  }

  /**
   * Decimal strings that only grow, across restarts too (they start from the clock), as
   * Kinesis and DynamoDB sequence numbers do; their exact width is not documented.
   */
  private nextSequence(): string {
    const fromClock = BigInt(Date.now()) * 1_000_000n;
    this.lastSequence = fromClock > this.lastSequence ? fromClock : this.lastSequence + 1n;
    return this.lastSequence.toString();
  }

  private consumers(): Consumer[] {
    return this.functions().flatMap((fn) => fn.triggers.filter((t): t is StreamTrigger => t.kind === "stream").map((trigger) => ({ fn, trigger })));
  }
}
