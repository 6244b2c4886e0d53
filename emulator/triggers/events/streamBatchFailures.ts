import { reportedFailures, type BatchVerdict } from "./batchItemFailures";

/**
 * What a stream function's partial batch response asks to be retried. The itemIdentifier
 * is a record's sequence number; Lambda checkpoints before the lowest one reported and
 * retries every record from it on. No response, a null or empty list is complete success;
 * an empty, null or unknown identifier (or a response that is not JSON) fails the whole batch.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 */
export function streamBatchVerdict(eventJson: string, response: Buffer | undefined): BatchVerdict {
  const reported = reportedFailures(response);
  if (!("ids" in reported)) return reported;
  const event = JSON.parse(eventJson) as { Records: Array<Record<string, unknown>> };
  const sequences = event.Records.map(sequenceOf);
  let lowest: bigint | undefined;
  for (const id of reported.ids) {
    if (typeof id !== "string" || id === "" || !sequences.includes(id)) {
      return { retry: "all", reason: `itemIdentifier ${JSON.stringify(id ?? null)} is no sequence number of the batch, so Lambda fails the whole batch` };
    }
    if (lowest === undefined || BigInt(id) < lowest) lowest = BigInt(id);
  }
  const records = event.Records.filter((_, i) => BigInt(sequences[i]) >= lowest!);
  return { retry: "some", payload: JSON.stringify({ ...event, Records: records }), failed: records.length, total: event.Records.length };
}

/** Kinesis: kinesis.sequenceNumber; DynamoDB: dynamodb.SequenceNumber. */
export function sequenceOf(record: Record<string, unknown>): string {
  const kinesis = record.kinesis as { sequenceNumber?: string } | undefined;
  const dynamodb = record.dynamodb as { SequenceNumber?: string } | undefined;
  return kinesis?.sequenceNumber ?? dynamodb?.SequenceNumber ?? "";
}
