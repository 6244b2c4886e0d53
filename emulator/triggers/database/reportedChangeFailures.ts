import { reportedFailures } from "../events/batchItemFailures";
import { sequenceOf } from "../events/streamBatchFailures";

/**
 * What a partial batch response (FunctionResponseTypes: [ReportBatchItemFailures]) says about
 * a batch of changes: all delivered, all failed, or delivered up to the record at `index`
 * (the one with the lowest reported itemIdentifier) and failed from it on.
 * Lambda's rules for streams, applied here to every shape of change event: no response, null,
 * no or an empty `batchItemFailures` is success; a response that is not JSON, or an
 * itemIdentifier that is empty, null or names no record of the batch, fails the whole batch;
 * otherwise Lambda checkpoints before the lowest sequence number reported and retries every
 * record from it on.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 */
export type ChangeBatchVerdict = { failed: "none" } | { failed: "all"; reason: string } | { failed: "from"; index: number; identifier: string };

/**
 * `ids` are the batch's record identifiers in the event's order, one per change (what
 * `recordIdentifiers` or the shape's own function gives). Records come in commit order and
 * their identifiers grow with it, so the lowest identifier is the earliest record: the verdict
 * names it by its index, which also works for identifiers that are not numbers.
 */
export function changeBatchVerdict(ids: readonly string[], response: Buffer | undefined): ChangeBatchVerdict {
  const reported = reportedFailures(response);
  if (!("ids" in reported)) return reported.retry === "none" ? { failed: "none" } : { failed: "all", reason: reported.reason };
  let first: number | undefined;
  for (const id of reported.ids) {
    // A number is taken as its digits: a CKafka offset is one (SCF documents no partial batch
    // response at all); a Kinesis sequence number sent as a number loses digits and names no record.
    // Identifiers that repeat (CKafka offsets past 16,384 changes in one transaction) match their
    // first record: more is retried, nothing skipped.
    const text = typeof id === "number" && Number.isFinite(id) ? String(id) : id;
    const index = typeof text === "string" && text !== "" ? ids.indexOf(text) : -1;
    if (index < 0) return { failed: "all", reason: `itemIdentifier ${JSON.stringify(id ?? null)} names no record of the batch, so Lambda fails the whole batch` };
    if (first === undefined || index < first) first = index;
  }
  return { failed: "from", index: first!, identifier: ids[first!] };
}

/**
 * The identifier a function reports for each record of a change event, when the shape gives
 * none of its own: a Kinesis record's sequence number (what Lambda documents), a CKafka
 * record's offset, or the plain shape's LSN. The docs of neither cloud define partial batch
 * responses for CKafka or for a plain event; Faasbox accepts them the same way.
 */
export function recordIdentifiers(event: unknown): string[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) throw new Error("the change event has no Records list to match batchItemFailures against");
  return records.map((record: Record<string, unknown>) => {
    const ckafka = record.Ckafka as { offset?: unknown } | undefined;
    const plainLsn = typeof record.lsn === "string" ? record.lsn : "";
    return sequenceOf(record) || (ckafka?.offset !== undefined ? String(ckafka.offset) : plainLsn);
  });
}
