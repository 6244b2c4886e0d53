// Which functions read which database source, and in what shape: one consumer per function ×
// trigger (each gets its own replication slot and reads every change at its own pace).
//  - faasbox.yml `database` event → the plain change event;
//  - a Kinesis stream trigger (SAM Kinesis event, EventSourceMapping) on a source's `kinesis:` stream → DMS records in a Kinesis event;
//  - an SCF CKafka trigger on a source's `ckafka:` topic → DTS records in a CKafka event.
import type { DatabaseChangeShape } from "../../protocol";
import { qualifiedName, type DatabaseSourceSpec } from "../../project/databaseSources";
import type { DatabaseTrigger, FunctionSpec, ProjectSpec, StreamTrigger, TopicTrigger, TriggerSpec } from "../../project/spec";
import { dmsKinesisEvent } from "./dmsKinesisEvent";
import { dtsCkafkaEvent } from "./dtsCkafkaEvent";
import { plainChangeEvent } from "./plainChangeEvent";
import type { RowChange } from "./rowChange";

/** The triggers a database source can feed. */
export type ChangeTrigger = DatabaseTrigger | StreamTrigger | TopicTrigger;

/** What a consumer needs of its function: the delivery gets the whole spec, a sample only these. */
export type ConsumingFunction = Pick<FunctionSpec, "name" | "dialect" | "region">;

export interface ChangeConsumer<F extends ConsumingFunction = FunctionSpec> {
  fn: F;
  trigger: ChangeTrigger;
  source: DatabaseSourceSpec;
  shape: DatabaseChangeShape;
  /** The event for a batch of changes, in commit order. */
  toEvent(changes: readonly RowChange[]): unknown;
  /** What the request log and metrics call where the event came from: "database:shop". */
  sourceLabel: string;
  /** How the delivery loop batches and retries, from the trigger (see delivery defaults for what is absent). */
  batching: {
    batchSize: number;
    batchWindowSec?: number;
    retries?: number;
    reportBatchItemFailures?: boolean;
    bisectBatchOnFunctionError?: boolean;
  };
}

/** Every consumer of every source of the project, in function then trigger order. */
export function consumersOf(project: Pick<ProjectSpec, "functions" | "databases">): ChangeConsumer[] {
  const sources = project.databases ?? [];
  if (!sources.length) return [];
  return project.functions.flatMap((fn) => fn.triggers.flatMap((trigger) => consumersOfTrigger(fn, trigger, sources)));
}

/** The consumers one trigger makes: none for a trigger no source feeds (one per source feeding it, else). */
export function consumersOfTrigger<F extends ConsumingFunction>(fn: F, trigger: TriggerSpec, sources: readonly DatabaseSourceSpec[]): ChangeConsumer<F>[] {
  return sources.flatMap((source) => {
    const consumer = consumerFor(fn, trigger, source);
    return consumer ? [consumer] : [];
  });
}

function consumerFor<F extends ConsumingFunction>(fn: F, trigger: TriggerSpec, source: DatabaseSourceSpec): ChangeConsumer<F> | undefined {
  const base = { fn, source, sourceLabel: `database:${source.name}` };
  if (trigger.kind === "database" && trigger.source === source.name) {
    return {
      ...base, trigger, shape: "plain",
      toEvent: (changes) => plainChangeEvent(changes),
      batching: compact({ batchSize: trigger.batchSize, batchWindowSec: trigger.batchWindowSec, retries: trigger.retries }),
    };
  }
  if (trigger.kind === "stream" && trigger.source === "kinesis" && source.kinesis !== undefined && trigger.stream === source.kinesis) {
    const stream = source.kinesis;
    return {
      ...base, trigger, shape: "dms-kinesis",
      toEvent: (changes) => dmsKinesisEvent(stream, fn.region, changes),
      batching: compact({
        batchSize: trigger.batchSize, batchWindowSec: trigger.batchWindowSec, retries: trigger.retries,
        reportBatchItemFailures: trigger.reportBatchItemFailures, bisectBatchOnFunctionError: trigger.bisectBatchOnFunctionError,
      }),
    };
  }
  // An SCF `ckafka` trigger reads as a queue-like topic trigger (scfTriggers.ts, scfTemplate.ts); a Lambda's queue is SQS, not Kafka.
  if (trigger.kind === "topic" && trigger.source === "queue" && fn.dialect === "scf" && source.ckafka !== undefined && trigger.topic === source.ckafka) {
    const topic = source.ckafka;
    return {
      ...base, trigger, shape: "dts-ckafka",
      toEvent: (changes) => dtsCkafkaEvent(topic, changes),
      // CKafka triggers retry a failed batch (10,000 times by default in the cloud:
      // https://www.tencentcloud.com/document/product/583/17530); locally the delivery's default applies.
      batching: compact({ batchSize: trigger.batchSize, batchWindowSec: trigger.batchWindowSec, reportBatchItemFailures: trigger.reportBatchItemFailures }),
    };
  }
  return undefined;
}

/** For listings: "public.orders". */
export function tableNames(source: DatabaseSourceSpec): string[] {
  return source.tables.map(qualifiedName);
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
