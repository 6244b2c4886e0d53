// EventBridge rules as a user relies on them: an event put on a bus reaches the functions
// whose rule pattern matches, in EventBridge's envelope (or as the rule's Input / InputPath
// says), asynchronously through the real durable queue with its retries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsyncQueue } from "../../../emulator/triggers/async/asyncQueue";
import { EventBus } from "../../../emulator/triggers/eventBus";
import type { EventRuleTrigger, FunctionSpec } from "../../../emulator/project/spec";
import { functionSpec } from "../../helpers/specs";
import { waitFor } from "../../helpers/fakeExecutor";

type After = { after(fn: () => unknown): void };

function rule(overrides: Partial<EventRuleTrigger> = {}): EventRuleTrigger {
  return { kind: "eventRule", name: "Orders", bus: "default", pattern: { source: ["shop"], "detail-type": ["Order Placed"] }, enabled: true, ...overrides };
}

function setup(t: After, functions: FunctionSpec[], fail: (name: string, call: number) => boolean = () => false) {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-bus-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const received: Array<{ fn: string; event: Record<string, unknown> }> = [];
  const queue = new AsyncQueue(dir, async (name, payload) => {
    received.push({ fn: name, event: JSON.parse(payload.toString()) as Record<string, unknown> });
    if (fail(name, received.filter((r) => r.fn === name).length)) return { ok: false, error: { errorType: "Error", errorMessage: "boom" } };
    return { ok: true, payload: Buffer.from("null") };
  }, { retries: 2, retryDelayMs: 1 });
  queue.start();
  t.after(() => queue.stop());
  return { bus: new EventBus(() => functions, queue), queue, received };
}

const order = { bus: "default", source: "shop", detailType: "Order Placed", detail: { orderId: "o-1", total: 120 } };

test("an event matching a rule's pattern invokes its function with EventBridge's envelope; others are not invoked", async (t) => {
  const functions = [
    functionSpec({ name: "on-order", region: "eu-west-1", triggers: [rule()] }),
    functionSpec({ name: "on-refund", triggers: [rule({ pattern: { "detail-type": ["Refund"] } })] }),
    functionSpec({ name: "big-orders", triggers: [rule({ pattern: { detail: { total: [{ numeric: [">", 100] }] } } })] }),
  ];
  const { bus, queue, received } = setup(t, functions);
  const matched = await bus.put({ ...order, resources: ["arn:aws:shop:order/o-1"] });
  await queue.idle();
  assert.deepEqual(matched.sort(), ["big-orders/Orders", "on-order/Orders"]);
  assert.deepEqual(received.map((r) => r.fn).sort(), ["big-orders", "on-order"]);
  const event = received.find((r) => r.fn === "on-order")!.event;
  assert.equal(event.version, "0");
  assert.match(String(event.id), /^[0-9a-f-]{36}$/);
  assert.equal(event["detail-type"], "Order Placed");
  assert.equal(event.source, "shop");
  assert.equal(event.account, "123456789012");
  assert.match(String(event.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(event.region, "eu-west-1");
  assert.deepEqual(event.resources, ["arn:aws:shop:order/o-1"]);
  assert.deepEqual(event.detail, { orderId: "o-1", total: 120 });
  assert.equal(received[0].event.id, received[1].event.id, "one event, one id, whichever rules it reaches");
});

test("a rule listens on its own bus only, and a disabled rule invokes nothing", async (t) => {
  const functions = [
    functionSpec({ name: "custom", triggers: [rule({ bus: "orders-bus" })] }),
    functionSpec({ name: "off", triggers: [rule({ enabled: false })] }),
  ];
  const { bus, queue, received } = setup(t, functions);
  assert.deepEqual(await bus.put(order), []);
  assert.deepEqual(await bus.put({ ...order, bus: "orders-bus" }), ["custom/Orders"]);
  await queue.idle();
  assert.deepEqual(received.map((r) => r.fn), ["custom"]);
  assert.deepEqual(bus.names(), ["default", "orders-bus"]);
});

test("Input replaces the event; InputPath delivers the part it selects", async (t) => {
  const functions = [
    functionSpec({ name: "constant", triggers: [rule({ input: { fixed: true } })] }),
    functionSpec({ name: "detail-only", triggers: [rule({ inputPath: "$.detail" })] }),
    functionSpec({ name: "one-field", triggers: [rule({ inputPath: "$.detail.orderId" })] }),
  ];
  const { bus, queue, received } = setup(t, functions);
  await bus.put(order);
  await queue.idle();
  const of = (fn: string) => received.find((r) => r.fn === fn)!.event as unknown;
  assert.deepEqual(of("constant"), { fixed: true });
  assert.deepEqual(of("detail-only"), { orderId: "o-1", total: 120 });
  assert.equal(of("one-field"), "o-1");
});

test("a failing target is retried through the asynchronous queue, then dead-lettered", async (t) => {
  const { bus, queue, received } = setup(t, [functionSpec({ name: "flaky", triggers: [rule()] })], () => true);
  await bus.put(order);
  await waitFor(() => queue.deadLetters().length === 1, "the dead letter");
  assert.equal(received.length, 3, "one attempt and two retries");
  assert.equal(queue.deadLetters()[0].source, "events:default");
});
