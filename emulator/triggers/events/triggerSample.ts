import type { EventRuleTrigger, HttpRoute, StorageTrigger, TriggerSpec } from "../../protocol";
import type { FunctionSpec } from "../../project/spec";
import { mountedPath } from "../http/apiMount";
import { eventBridgeEvent, type PutEventsEntry } from "./eventBridgeEvents";
import { httpEvent, sampleRequest } from "./httpEvents";
import { messageEvent } from "./messageEvents";
import { storageEvent } from "./storageEvents";
import { dynamodbRecord, kinesisRecord } from "./streamEvents";
import { timerEvent } from "./timerEvents";
import { functionUrlEvent } from "../functionUrls/functionUrlEvent";
import type { DatabaseSourceSpec } from "../../project/databaseSources";
import { consumersOfTrigger } from "../database/consumers";
import { shapeName } from "../database/databaseTriggerText";
import { plainChangeEvent } from "../database/plainChangeEvent";
import { sampleChangeEvent, sampleRowChange } from "../database/sampleChange";

// The event a function's own trigger sends it, built by the code that delivers that trigger's
// events (the gateway's httpEvent, the scheduler's timerEvent, the broker's messageEvent...), with
// sample values where the manifest leaves them to the caller (path parameters, a message body, an
// object key). The editor offers it as a function's first event; `triggers.run` sends the same
// sample through the trigger itself.

export type SampleFunction = Pick<FunctionSpec, "name" | "dialect" | "region">;

/** The body of the sample message published to a topic or queue. */
export const SAMPLE_MESSAGE_BODY = JSON.stringify({ hello: "faasbox" });
const SAMPLE_QUERY = "name=faasbox";

/** A request path that the route matches, with the path parameters it yields: `{id}` → `id-1`, `{proxy+}` → `hello/faasbox`. */
export function sampleRoutePath(route: Pick<HttpRoute, "path" | "catchAll">): { path: string; pathParameters: Record<string, string> } {
  if (route.catchAll) return { path: "/", pathParameters: {} };
  const pathParameters: Record<string, string> = {};
  const path = route.path.replace(/\{([^}]+?)(\+?)\}/g, (_, name: string, greedy: string) => {
    const value = greedy ? "hello/faasbox" : `${name}-1`;
    pathParameters[name] = value;
    return value;
  });
  return { path, pathParameters };
}

/** The method a sample request uses: the route's, or GET for ANY. */
export function sampleMethod(route: Pick<HttpRoute, "method">): string {
  return route.method === "ANY" ? "GET" : route.method;
}

/** The sample request's JSON body: for methods that carry one (POST, PUT, PATCH), else none. */
export function sampleRequestBody(method: string): string | undefined {
  return ["POST", "PUT", "PATCH"].includes(method) ? SAMPLE_MESSAGE_BODY : undefined;
}

/** The local URL path and query of the route's sample request (a REST API's stage first, as the gateway serves it). */
export function sampleRequestTarget(route: HttpRoute): { method: string; pathAndQuery: string } {
  const { path } = sampleRoutePath({ ...route, path: mountedPath(route) });
  return { method: sampleMethod(route), pathAndQuery: `${path}?${SAMPLE_QUERY}` };
}

/** The key of the sample object dropped in a bucket: inside the trigger's prefix, ending with its suffix. */
export function sampleObjectKey(trigger: Pick<StorageTrigger, "prefix" | "suffix">): string {
  return `${trigger.prefix ?? ""}faasbox-sample${trigger.suffix ?? ".json"}`;
}

/** A PutEvents entry the rule's pattern matches where it names plain values (source, detail-type), for a rule's sample. */
export function sampleRuleEntry(trigger: EventRuleTrigger, now: Date): PutEventsEntry {
  const first = (field: string, fallback: string) => {
    const values = trigger.pattern[field];
    return Array.isArray(values) && typeof values[0] === "string" ? values[0] : fallback;
  };
  return { bus: trigger.bus, source: first("source", "com.example.faasbox"), detailType: first("detail-type", "Faasbox Sample"), detail: { hello: "faasbox" }, resources: [], time: now };
}

/**
 * The event `trigger` of `fn` delivers, in the function's cloud's shape; `{}` for a function
 * without triggers (there is nothing it would be sent). `databases`: the project's sources, for
 * triggers that read database changes (a sample change to the source's first table).
 */
export function triggerSampleEvent(fn: SampleFunction, trigger: TriggerSpec | undefined, now = new Date(), databases: readonly DatabaseSourceSpec[] = []): unknown {
  if (!trigger) return {};
  // A stream or topic a database source feeds carries that source's changes, in the cloud's change format.
  const [consumer] = consumersOfTrigger(fn, trigger, databases);
  if (consumer) return sampleChangeEvent(consumer, now);
  const { dialect, region } = fn;
  switch (trigger.kind) {
    case "http": {
      const { path, pathParameters } = sampleRoutePath({ ...trigger, path: mountedPath(trigger) });
      const method = sampleMethod(trigger);
      const request = { ...sampleRequest(method, path, SAMPLE_QUERY), pathParameters, time: now };
      const body = sampleRequestBody(method);
      if (body) {
        request.body = Buffer.from(body);
        request.headers = { ...request.headers, "content-type": ["application/json"] };
        request.headersAsSent = { ...request.headersAsSent, "Content-Type": ["application/json"] };
      }
      return httpEvent(trigger, request);
    }
    case "url":
      return functionUrlEvent(fn.name, region, { ...sampleRequest("GET", "/", SAMPLE_QUERY), time: now });
    case "timer":
      return timerEvent(dialect, { triggerName: trigger.name, functionName: fn.name, region, time: now, message: trigger.message, input: trigger.input });
    case "topic": {
      const message = { id: "c0ffee00-0000-4000-8000-000000000001", body: SAMPLE_MESSAGE_BODY, publishedAt: now.getTime(), attempts: 1 };
      return messageEvent(dialect, { name: trigger.topic, kind: trigger.source, region }, [message]);
    }
    case "storage":
      return storageEvent(dialect, { bucket: trigger.bucket, key: sampleObjectKey(trigger), size: SAMPLE_MESSAGE_BODY.length, created: true, region, time: now });
    case "eventRule":
      // The rule's Input replaces the event, as EventBridge does (InputPath is left to the bus).
      return trigger.input !== undefined ? trigger.input : eventBridgeEvent(sampleRuleEntry(trigger, now), region);
    case "stream":
      return trigger.source === "kinesis"
        ? { Records: [kinesisRecord(trigger.stream, region, { data: SAMPLE_MESSAGE_BODY, partitionKey: "faasbox" }, "49590338271490256608559692538361571095921575989136588898", now)] }
        : { Records: [dynamodbRecord(trigger.stream, region, { eventName: "INSERT", keys: { id: "1" }, newImage: { id: "1", hello: "faasbox" } }, "111", now, trigger.viewType)] };
    case "database":
      // Only without the project's sources (every `database` event names one): a table named after the source.
      return plainChangeEvent([sampleRowChange({ schema: "public", table: trigger.source }, now)]);
  }
}

/** How the invoke panel names the trigger's sample: "GET /hello (this function's trigger)", or the database change it carries. */
export function triggerSampleDescription(fn: SampleFunction, trigger: TriggerSpec, databases: readonly DatabaseSourceSpec[] = []): string {
  const [consumer] = consumersOfTrigger(fn, trigger, databases);
  if (!consumer) return `${triggerLabel(trigger)} (this function's trigger)`;
  const table = consumer.source.tables[0];
  return `${triggerLabel(trigger)}: a sample insert into ${table.schema}.${table.table} of database ${consumer.source.name}, as ${shapeName(consumer.shape)}`;
}

/** What the editor calls the trigger: "GET /users/{id}", "timer every-minute", "topic orders". */
export function triggerLabel(trigger: TriggerSpec): string {
  switch (trigger.kind) {
    case "http":
      return `${trigger.method} ${trigger.path}`;
    case "url":
      return `function URL (${trigger.authType})`;
    case "timer":
      return `timer ${trigger.name}`;
    case "topic":
      return `${trigger.source} ${trigger.topic}`;
    case "storage":
      return `bucket ${trigger.bucket}`;
    case "eventRule":
      return `rule ${trigger.name}`;
    case "stream":
      return `${trigger.source} ${trigger.stream}`;
    case "database":
      return `database ${trigger.source}`;
  }
}
