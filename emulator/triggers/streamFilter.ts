import { matchesAny } from "./eventPattern";

/**
 * The records a stream mapping's FilterCriteria let through; the others are skipped
 * without an invocation. Kinesis patterns address the fields of the record's `kinesis`
 * object, with `data` decoded from base64 and read as JSON; data that is not JSON cannot
 * match a pattern on `data` (Lambda drops such records). DynamoDB patterns address the
 * record itself, its `dynamodb` object holding Keys and images as attribute values
 * (`{"dynamodb": {"NewImage": {"status": {"S": ["open"]}}}}`), and eventName.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export function keepMatchingRecords(
  source: "kinesis" | "dynamodb",
  filters: ReadonlyArray<Record<string, unknown>> | undefined,
  records: Array<Record<string, unknown>>,
): Array<Record<string, unknown>> {
  if (!filters) return records;
  return records.filter((record) => matchesAny(filters, source === "kinesis" ? kinesisFilterView(record) : record));
}

function kinesisFilterView(record: Record<string, unknown>): Record<string, unknown> {
  const kinesis = record.kinesis as Record<string, unknown>;
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(String(kinesis.data), "base64").toString("utf8")) as unknown;
  } catch {
    data = undefined;
  }
  return { ...record, ...kinesis, data };
}
