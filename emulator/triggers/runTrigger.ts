import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { InvokeResult, TriggerRunResult } from "../protocol";
import type { DatabaseSourceSpec } from "../project/databaseSources";
import type { FunctionSpec, TriggerSpec } from "../project/spec";
import { bucketFolder } from "./bucketWatcher";
import type { PutEventsEntry } from "./events/eventBridgeEvents";
import type { KinesisPut, TableChange } from "./events/streamEvents";
import { consumersOfTrigger } from "./database/consumers";
import { sampleChangeEvent } from "./database/sampleChange";
import { SAMPLE_MESSAGE_BODY, sampleObjectKey, sampleRequestBody, sampleRequestTarget, sampleRuleEntry } from "./events/triggerSample";

/** What running a trigger needs of the emulator: each trigger's own entry point, nothing more. */
export interface TriggerRunTarget {
  root: string;
  /** The HTTP gateway's base URL ("" when it is not listening). */
  gatewayUrl: string;
  fireTimer(functionName: string, triggerName: string): boolean;
  publish(topic: string, bodies: string[]): Promise<number>;
  putEvent(entry: PutEventsEntry): Promise<string[]>;
  putKinesis(stream: string, puts: KinesisPut[]): Promise<number>;
  putDynamoDb(table: string, changes: TableChange[]): Promise<number>;
  /** Sends a sample request to the function's URL (signed when its AuthType is AWS_IAM). */
  callFunctionUrl(functionName: string): Promise<{ sent: string; status: number; body: string }>;
  /** The project's database sources (faasbox.yml `databases:`). */
  databases: readonly DatabaseSourceSpec[];
  /** Invokes the function synchronously, as a database source's delivery does, `source` naming where the event came from ("database:shop"). */
  invoke(functionName: string, event: unknown, source: string): Promise<InvokeResult>;
}

/**
 * "Run now" (as the Azure extension's "Execute Function Now"): a sample goes through the
 * trigger itself, so the function gets the event that trigger builds, by the path it takes
 * (the timer's queue and retries, the broker's batching, the gateway's authorizers and
 * response mapping). The invocation itself is reported as every other (invocation.finished).
 */
export async function runTrigger(target: TriggerRunTarget, fn: FunctionSpec, trigger: TriggerSpec): Promise<TriggerRunResult> {
  // "Fire with a sample change": a trigger a database feeds gets a made-up change, straight to the
  // function (no row is written to the user's database), in the shape its source would deliver.
  const [consumer] = consumersOfTrigger(fn, trigger, target.databases);
  if (consumer) {
    const table = consumer.source.tables[0];
    const result = await target.invoke(fn.name, sampleChangeEvent(consumer), consumer.sourceLabel);
    const outcome = result.ok ? "succeeded" : `failed${result.error ? `: ${result.error.errorType}: ${result.error.errorMessage}` : ""}`;
    return { sent: `invoked ${fn.name} with a sample insert into ${table.schema}.${table.table} (${consumer.shape} event of database ${consumer.source.name}); it ${outcome}` };
  }
  switch (trigger.kind) {
    case "timer":
      if (!target.fireTimer(fn.name, trigger.name)) throw new Error(`timer ${trigger.name} of ${fn.name} is not scheduled (see the emulator's trigger problems)`);
      return { sent: `fired timer ${trigger.name}` };
    case "topic": {
      const subscribers = await target.publish(trigger.topic, [SAMPLE_MESSAGE_BODY]);
      return { sent: `published a sample message to ${trigger.source} ${trigger.topic} (${subscribers} subscriber${subscribers === 1 ? "" : "s"})` };
    }
    case "storage": {
      const key = sampleObjectKey(trigger);
      const file = join(bucketFolder(target.root, trigger.bucket), key);
      await mkdir(dirname(file), { recursive: true });
      // New content each time: the bucket watcher reports a change, not a rewrite of the same bytes.
      await writeFile(file, `${JSON.stringify({ hello: "faasbox", at: new Date().toISOString() })}\n`);
      return { sent: `wrote ${key} in bucket ${trigger.bucket} (.faasbox/buckets/${trigger.bucket}/${key})` };
    }
    case "http": {
      if (!target.gatewayUrl) throw new Error("the HTTP gateway is not listening");
      const { method, pathAndQuery } = sampleRequestTarget(trigger);
      const body = sampleRequestBody(method);
      const response = await fetch(`${target.gatewayUrl}${pathAndQuery}`, { method, body, headers: body ? { "content-type": "application/json" } : {} });
      const text = await response.text();
      return { sent: `${method} ${pathAndQuery} answered ${response.status}`, status: response.status, body: text };
    }
    case "url":
      return target.callFunctionUrl(fn.name);
    case "eventRule": {
      const rules = await target.putEvent(sampleRuleEntry(trigger, new Date()));
      return { sent: `put a sample event on bus ${trigger.bus} (${rules.length} rule${rules.length === 1 ? "" : "s"} matched)` };
    }
    case "stream": {
      const consumers = trigger.source === "kinesis"
        ? await target.putKinesis(trigger.stream, [{ data: SAMPLE_MESSAGE_BODY, partitionKey: "faasbox" }])
        : await target.putDynamoDb(trigger.stream, [{ eventName: "INSERT", keys: { id: "1" }, newImage: { id: "1", hello: "faasbox" } }]);
      return { sent: `put a sample record on ${trigger.source} ${trigger.stream} (${consumers} consumer${consumers === 1 ? "" : "s"})` };
    }
    case "database":
      // Every `database` event names a source of the project (faasbox.yml is checked when it loads).
      throw new Error(`database ${trigger.source} of ${fn.name} is not among the project's databases: sources`);
  }
}
