import type { FailureKind, FunctionError } from "../../protocol";
import { changeBatchVerdict } from "./reportedChangeFailures";
import type { RowChange } from "./rowChange";

/** What one invocation of the consumer's function gave back. */
export interface ChangeInvokeResult {
  ok: boolean;
  /** The function's response as its runtime sent it (a partial batch response is read from it). */
  response?: Buffer;
  error?: FunctionError;
  /** Why it failed; "throttle" (no instance free) means the function never ran. */
  errorKind?: FailureKind;
}

/** What settling a batch needs from the delivery that owns it. */
export interface SettlementPolicy {
  toEvent(changes: RowChange[]): unknown;
  recordIds(event: unknown): string[];
  /** `json` is the event as JSON, made once here (its size is checked against the payload limit). */
  invoke(event: unknown, json: string): Promise<ChangeInvokeResult>;
  deadLetter(event: unknown, error: FunctionError, json: string): Promise<void>;
  reportBatchItemFailures: boolean;
  bisectOnError: boolean;
  /** Retries of a failing record before it is dead-lettered; -1 retries until stopped. */
  maxRetries: number;
  /** Waits before retry number `retry` (1, 2, …); false when the delivery stopped meanwhile. */
  pause(retry: number): Promise<boolean>;
  stopped(): boolean;
  /** Everything up to and including `change` was delivered or dead-lettered. */
  settled(change: RowChange): Promise<void>;
  /** Each attempt's outcome, for the consumer's status. */
  attempted(outcome: { ok: true } | { ok: false; error: FunctionError; retry: number }): void;
}

/**
 * Lambda gives a function all the records of a batch in one call "up to the payload limit for
 * synchronous invocation (6 MB)": a batch whose event is larger goes in smaller parts, in order.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (BatchSize)
 */
export const PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

type Attempt = { failed: "none" } | { failed: "throttled"; error: FunctionError } | { failed: "from"; index: number; error: FunctionError } | { failed: "all"; error: FunctionError; bisectable: boolean };

/**
 * Delivers one batch until every change of it is delivered or dead-lettered, in order, as
 * Lambda's Kinesis event source mapping handles errors (locally: the retries are bounded and
 * the dead letters go to `faasbox dlq`):
 * - a function error fails the whole batch: it is retried, or with BisectBatchOnFunctionError
 *   split in two halves, each delivered in turn; splitting does not count towards the retry
 *   quota (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html);
 * - with ReportBatchItemFailures the records before the lowest one reported are delivered and
 *   only the rest is retried, with bisect on as well (the batch is split at the reported record)
 *   (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html);
 * - MaximumRetryAttempts counts the retries of a record ("the number of times to retry a
 *   record before it is bypassed", SAM's Kinesis event): when the failure moves to a later
 *   record the count starts again for that record;
 * - a throttled invocation (the function never ran) is tried again without using up a retry;
 * - once the retries are spent the failing records are dead-lettered and acknowledged, and
 *   delivery goes on (the cloud discards them, or sends them to the OnFailure destination).
 * Resolves false when the delivery stopped before the batch was settled: what is left is not
 * acknowledged, so the source gives it again on the next start.
 */
export async function settleBatch(changes: RowChange[], policy: SettlementPolicy, failuresSoFar = 0): Promise<boolean> {
  let pending = changes;
  let failures = failuresSoFar;
  let throttles = 0;
  while (pending.length > 0) {
    if (policy.stopped()) return false;
    const event = policy.toEvent(pending);
    const json = JSON.stringify(event);
    if (pending.length > 1 && Buffer.byteLength(json) > PAYLOAD_LIMIT_BYTES) {
      const half = Math.ceil(pending.length / 2);
      if (!(await settleBatch(pending.slice(0, half), policy, failures))) return false;
      return settleBatch(pending.slice(half), policy, failures);
    }
    const attempt = await attemptOnce(event, json, pending, policy);
    if (policy.stopped()) return false; // the outcome of an attempt cut short by stop() is not recorded
    if (attempt.failed === "none") {
      policy.attempted({ ok: true });
      await policy.settled(pending[pending.length - 1]);
      return true;
    }
    if (attempt.failed === "throttled") {
      // "If a Lambda event source mapping is unable to invoke the function due to throttling [...] it retries
      // until the records expire": no retry is used up, nothing is dead-lettered; changes in a slot never expire.
      // https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
      throttles++;
      policy.attempted({ ok: false, error: attempt.error, retry: failures });
      if (!(await policy.pause(throttles))) return false;
      continue;
    }
    throttles = 0;
    if (attempt.failed === "from" && attempt.index > 0) {
      // The records before the reported one are delivered: confirmed now, so a restart does not bring them back.
      await policy.settled(pending[attempt.index - 1]);
      pending = pending.slice(attempt.index);
      failures = 0;
    }
    if (attempt.failed === "all" && attempt.bisectable && policy.bisectOnError && pending.length > 1) {
      const half = Math.ceil(pending.length / 2);
      policy.attempted({ ok: false, error: attempt.error, retry: failures });
      if (!(await settleBatch(pending.slice(0, half), policy, failures))) return false;
      return settleBatch(pending.slice(half), policy, failures);
    }
    failures++;
    policy.attempted({ ok: false, error: attempt.error, retry: failures });
    if (policy.maxRetries >= 0 && failures > policy.maxRetries) {
      // The dead letter holds the records still failing (the whole event, or from the lowest reported one on),
      // in the event's shape: `faasbox dlq replay` gives the function exactly those again.
      const last = attempt.failed === "from" && attempt.index > 0 ? policy.toEvent(pending) : event;
      await policy.deadLetter(last, attempt.error, last === event ? json : JSON.stringify(last));
      await policy.settled(pending[pending.length - 1]);
      return true;
    }
    if (!(await policy.pause(failures))) return false;
  }
  return true;
}

async function attemptOnce(event: unknown, json: string, pending: RowChange[], policy: SettlementPolicy): Promise<Attempt> {
  let result: ChangeInvokeResult;
  try {
    result = await policy.invoke(event, json);
  } catch (error) {
    // The function never ran (the emulator could not start it): a retry, never a bisect, which is for function errors.
    return { failed: "all", bisectable: false, error: { errorType: "Faasbox.InvokeFailed", errorMessage: (error as Error).message } };
  }
  if (!result.ok && result.errorKind === "throttle") return { failed: "throttled", error: result.error ?? { errorType: "Faasbox.Throttled", errorMessage: "no instance of the function was free" } };
  if (!result.ok) return { failed: "all", bisectable: true, error: result.error ?? { errorType: "Faasbox.FunctionError", errorMessage: "the function failed" } };
  // Without ReportBatchItemFailures Lambda ignores the response: the batch succeeded.
  if (!policy.reportBatchItemFailures) return { failed: "none" };
  let ids: string[];
  try {
    ids = policy.recordIds(event);
  } catch (error) {
    return { failed: "all", bisectable: true, error: batchItemError(`the batch's record identifiers could not be read (${(error as Error).message})`) };
  }
  if (ids.length !== pending.length) {
    return { failed: "all", bisectable: true, error: batchItemError(`the event holds ${ids.length} record(s) for ${pending.length} change(s), so batchItemFailures cannot be matched`) };
  }
  const verdict = changeBatchVerdict(ids, result.response);
  switch (verdict.failed) {
    case "none":
      return verdict;
    case "all":
      return { failed: "all", bisectable: true, error: batchItemError(verdict.reason) };
    case "from":
      return {
        failed: "from",
        index: verdict.index,
        error: batchItemError(`${pending.length - verdict.index} of ${pending.length} record(s), from itemIdentifier ${verdict.identifier} (the lowest reported in batchItemFailures) on, failed`),
      };
  }
}

function batchItemError(message: string): FunctionError {
  return { errorType: "Faasbox.BatchItemFailures", errorMessage: message };
}
