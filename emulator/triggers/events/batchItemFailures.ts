import type { FunctionError } from "../../protocol";
/**
 * What a function's partial batch response (FunctionResponseTypes: [ReportBatchItemFailures])
 * asks to be retried, following Lambda's rules: no response, a null or empty
 * `batchItemFailures` is complete success; a response that is not JSON, or an
 * itemIdentifier that is empty, null, missing or names no message of the batch, fails
 * the whole batch; otherwise only the named messages come back.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export type BatchVerdict = { retry: "none" } | { retry: "all"; reason: string } | { retry: "some"; payload: string; failed: number; total: number };

interface SqsRecord {
  messageId?: unknown;
  attributes?: { ApproximateReceiveCount?: string };
}

/**
 * The item identifiers a partial batch response names (SQS, Kinesis and DynamoDB share these
 * rules), or the verdict when the response alone settles it: no response, null, no or an empty
 * `batchItemFailures` is success; a response that is not JSON or a list that is not one fails
 * the whole batch. An identifier that is not a non-empty string comes back as it is.
 */
export function reportedFailures(response: Buffer | undefined): { ids: unknown[] } | Exclude<BatchVerdict, { retry: "some" }> {
  const text = response?.toString("utf8").trim() ?? "";
  if (text === "" || text === "null") return { retry: "none" };
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { retry: "all", reason: "the response is not JSON, so Lambda fails the whole batch" };
  }
  const failures = answer !== null && typeof answer === "object" ? (answer as { batchItemFailures?: unknown }).batchItemFailures : undefined;
  if (failures === undefined || failures === null) return { retry: "none" };
  if (!Array.isArray(failures)) return { retry: "all", reason: "batchItemFailures is not a list, so Lambda fails the whole batch" };
  if (failures.length === 0) return { retry: "none" };
  return { ids: failures.map((failure) => (failure !== null && typeof failure === "object" ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined)) };
}

export function batchVerdict(eventJson: string, response: Buffer | undefined): BatchVerdict {
  const reported = reportedFailures(response);
  if (!("ids" in reported)) return reported;
  const event = JSON.parse(eventJson) as { Records: SqsRecord[] };
  const ids = new Set(event.Records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const id of reported.ids) {
    if (typeof id !== "string" || id === "" || !ids.has(id)) {
      return { retry: "all", reason: `itemIdentifier ${JSON.stringify(id ?? null)} names no message of the batch, so Lambda fails the whole batch` };
    }
    failed.add(id);
  }
  // Each delivery is a new receive of the message: its count goes up as SQS's does.
  const records = event.Records.filter((record) => failed.has(record.messageId as string)).map((record) => ({
    ...record,
    attributes: { ...record.attributes, ApproximateReceiveCount: String(Number(record.attributes?.ApproximateReceiveCount ?? "1") + 1) },
  }));
  return { retry: "some", payload: JSON.stringify({ ...event, Records: records }), failed: records.length, total: event.Records.length };
}

/**
 * What the async queue retries for a verdict: nothing, the whole batch as it was, or the
 * remaining records; `retried` words the partial case for the log ("3 of 10 message(s) …").
 */
export function batchRetry(verdict: BatchVerdict, payload: string, retried: (failed: number, total: number) => string): { payload: string; error: FunctionError } | undefined {
  switch (verdict.retry) {
    case "none":
      return undefined;
    case "all":
      return { payload, error: { errorType: "Faasbox.BatchItemFailures", errorMessage: verdict.reason } };
    case "some":
      return { payload: verdict.payload, error: { errorType: "Faasbox.BatchItemFailures", errorMessage: retried(verdict.failed, verdict.total) } };
  }
}
