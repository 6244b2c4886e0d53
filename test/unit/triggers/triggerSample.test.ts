// The first event the editor offers a function is the one its own trigger sends: built by the
// same code that delivers that trigger's events, with the manifest's names in it.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FunctionSpec, HttpRoute, TriggerSpec } from "../../../emulator/project/spec";
import { RouteTable } from "../../../emulator/triggers/http/routeTable";
import { sampleObjectKey, sampleRequestTarget, sampleRoutePath, triggerSampleEvent } from "../../../emulator/triggers/events/triggerSample";

type Json = Record<string, any>;
const scfFn = { name: "hello-timer", dialect: "scf" as const, region: "ap-guangzhou" };
const awsFn = { name: "HelloTimer", dialect: "aws" as const, region: "eu-west-1" };

test("an SCF API gateway route: its method, its path with sample path parameters, a JSON body for POST", () => {
  const route: HttpRoute = { kind: "http", method: "POST", path: "/users/{id}/orders", payload: "scf" };
  const event = triggerSampleEvent(scfFn, route) as Json;
  assert.equal(event.httpMethod, "POST");
  assert.equal(event.path, "/users/id-1/orders");
  assert.deepEqual(event.pathParameters, { id: "id-1" });
  assert.deepEqual(event.queryString, { name: "faasbox" });
  assert.deepEqual(JSON.parse(event.body), { hello: "faasbox" });
});

test("an HTTP API route (payload 2.0): routeKey, rawPath and a greedy path parameter", () => {
  const route: HttpRoute = { kind: "http", method: "GET", path: "/files/{proxy+}", payload: "aws-v2" };
  const event = triggerSampleEvent(awsFn, route) as Json;
  assert.equal(event.version, "2.0");
  assert.equal(event.routeKey, "GET /files/{proxy+}");
  assert.equal(event.rawPath, "/files/hello/faasbox");
  assert.deepEqual(event.pathParameters, { proxy: "hello/faasbox" });
  assert.equal(event.requestContext.http.method, "GET");
});

test("a REST API route (payload 1.0) of a stage: the path without the stage, the stage in the request context; ANY samples GET", () => {
  const route: HttpRoute = {
    kind: "http", method: "ANY", path: "/items/{itemId}", payload: "aws-v1", api: { id: "Api", kind: "rest", stage: "Prod" },
  };
  const event = triggerSampleEvent(awsFn, route) as Json;
  assert.equal(event.httpMethod, "GET");
  assert.equal(event.resource, "/items/{itemId}");
  assert.equal(event.path, "/items/itemId-1");
  assert.equal(event.requestContext.stage, "Prod");
  assert.deepEqual(sampleRequestTarget(route), { method: "GET", pathAndQuery: "/Prod/items/itemId-1?name=faasbox" });
});

test("a route's sample path is one the gateway's route table sends to that route, with the same path parameters", () => {
  const routes: HttpRoute[] = [
    { kind: "http", method: "GET", path: "/a/{x}/b/{y}", payload: "aws-v2" },
    { kind: "http", method: "DELETE", path: "/files/{proxy+}", payload: "aws-v2" },
  ];
  const table = new RouteTable([{ name: "fn", triggers: routes } as unknown as FunctionSpec]);
  for (const route of routes) {
    const { path, pathParameters } = sampleRoutePath(route);
    const match = table.match(route.method, path);
    assert.equal(match.kind, "found");
    assert.deepEqual(match.kind === "found" && match.pathParameters, pathParameters);
  }
});

test("a timer: SCF's TriggerName and Message are the trigger's; Lambda's Scheduled Event names the rule of the function", () => {
  const timer: TriggerSpec = { kind: "timer", name: "hello-timer-every-5-minutes", schedule: "0 */5 * * * * *", enabled: true, message: "hello" };
  const scf = triggerSampleEvent(scfFn, timer) as Json;
  assert.equal(scf.Type, "Timer");
  assert.equal(scf.TriggerName, "hello-timer-every-5-minutes");
  assert.equal(scf.Message, "hello");
  const aws = triggerSampleEvent(awsFn, { ...timer, name: "Every5Minutes", schedule: "rate(5 minutes)" }) as Json;
  assert.equal(aws["detail-type"], "Scheduled Event");
  assert.deepEqual(aws.resources, ["arn:aws:events:eu-west-1:123456789012:rule/HelloTimer-Every5Minutes"]);
  assert.deepEqual(triggerSampleEvent(awsFn, { ...timer, input: { job: "nightly" } }), { job: "nightly" }, "a schedule's Input replaces the event");
});

test("a topic or queue: the manifest's topic name in the record, in the function's cloud's shape", () => {
  const topic: TriggerSpec = { kind: "topic", name: "t", topic: "orders", batchSize: 1, source: "topic" };
  assert.equal((triggerSampleEvent(scfFn, topic) as Json).Records[0].CMQ.topicName, "orders");
  assert.equal((triggerSampleEvent(awsFn, topic) as Json).Records[0].Sns.TopicArn, "arn:aws:sns:eu-west-1:123456789012:orders");
  const queue = triggerSampleEvent(awsFn, { ...topic, source: "queue", topic: "jobs" }) as Json;
  assert.equal(queue.Records[0].eventSourceARN, "arn:aws:sqs:eu-west-1:123456789012:jobs");
  assert.deepEqual(JSON.parse(queue.Records[0].body), { hello: "faasbox" });
});

test("a bucket: an object created under the trigger's prefix and with its suffix", () => {
  const storage: TriggerSpec = { kind: "storage", name: "b", bucket: "photos", events: ["s3:ObjectCreated:*"], prefix: "uploads/", suffix: ".png" };
  assert.equal(sampleObjectKey(storage), "uploads/faasbox-sample.png");
  const record = (triggerSampleEvent(awsFn, storage) as Json).Records[0];
  assert.equal(record.s3.bucket.name, "photos");
  assert.equal(record.s3.object.key, "uploads/faasbox-sample.png");
  assert.equal((triggerSampleEvent(scfFn, storage) as Json).Records[0].cos.cosBucket.name, "photos");
});

test("an EventBridge rule: an event its pattern's source and detail-type match; a stream: a record of its stream", () => {
  const rule: TriggerSpec = { kind: "eventRule", name: "r", bus: "orders", pattern: { source: ["com.shop"], "detail-type": ["Order Placed"] }, enabled: true };
  const event = triggerSampleEvent(awsFn, rule) as Json;
  assert.equal(event.source, "com.shop");
  assert.equal(event["detail-type"], "Order Placed");
  const stream = triggerSampleEvent(awsFn, { kind: "stream", name: "s", source: "kinesis", stream: "clicks", batchSize: 10 }) as Json;
  assert.equal(stream.Records[0].eventSourceARN, "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks");
});

test("a function without a trigger: an empty event", () => {
  assert.deepEqual(triggerSampleEvent(awsFn, undefined), {});
});
