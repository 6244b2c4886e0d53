// The invocation service against a fake daemon connection: it chooses each request's id,
// sends it with the invocation, and passes on only its own requests' log lines while the
// same function runs other requests.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { InvokeParams, InvokeResult, LogRecord } from "../../emulator/protocol";
import type { DaemonConnection } from "../../extension/daemon/daemonConnection";
import type { InvocationEvent } from "../../extension/invocations/invocationEvents";
import { InvocationService } from "../../extension/invocations/invocationService";
import { Emitter } from "../../extension/util/emitter";

/** Answers `invoke` when the test says so, and `cost.estimate` at once. */
class FakeDaemon {
  readonly invoked: InvokeParams[] = [];
  private readonly answers = new Map<string, { resolve: (r: InvokeResult) => void; reject: (e: Error) => void }>();

  request(type: { method: string }, params: unknown): Promise<unknown> {
    if (type.method === "invoke") {
      const invoke = params as InvokeParams;
      this.invoked.push(invoke);
      return new Promise((resolve, reject) => this.answers.set(invoke.requestId!, { resolve, reject }));
    }
    if (type.method === "cost.estimate") {
      return Promise.resolve({ functions: [{ perInvocation: 0.000001, currency: "USD", provider: "aws", monthly: { invocations: 1, cost: 0.03 } }] });
    }
    return Promise.reject(new Error(`unexpected ${type.method}`));
  }

  finish(requestId: string): void {
    this.answers.get(requestId)!.resolve({ requestId, function: "Echo", ok: true, logs: [] } as unknown as InvokeResult);
  }

  fail(requestId: string, message: string): void {
    this.answers.get(requestId)!.reject(new Error(message));
  }
}

function setUp() {
  const daemon = new FakeDaemon();
  const logs = new Emitter<LogRecord>();
  const service = new InvocationService(daemon as unknown as Pick<DaemonConnection, "request">, logs.event);
  const events: InvocationEvent[] = [];
  service.onEvent((e) => events.push(e));
  const line = (requestId: string | undefined, text: string): void => logs.fire({ function: "Echo", requestId, stream: "stdout", time: Date.now(), text });
  return { daemon, service, events, line };
}

test("each invocation gets a fresh request id, chosen before invoking and sent with it", () => {
  const { daemon, service, events } = setUp();
  void service.invoke("Echo", { n: 1 });
  void service.invoke("Echo", { n: 2 });
  const started = events.filter((e) => e.type === "started");
  assert.equal(started.length, 2);
  assert.deepEqual(daemon.invoked.map((p) => p.requestId), started.map((e) => e.requestId));
  assert.notEqual(started[0].requestId, started[1].requestId);
  assert.match(started[0].requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(daemon.invoked.map((p) => p.event), [{ n: 1 }, { n: 2 }], "the event value as given, not re-encoded");
});

test("the text a user typed goes to the emulator as text, so the runtime gets it as written", () => {
  const { daemon, service } = setUp();
  const typed = '{ "big": 12345678901234567890123 }';
  void service.invoke("Echo", JSON.parse(typed), typed);
  assert.equal(daemon.invoked[0].eventText, typed);
  assert.equal(daemon.invoked[0].event, undefined);
});

test("a request's log events hold only its own lines while the same function runs others", async () => {
  const { daemon, service, events, line } = setUp();
  const first = service.invoke("Echo", {});
  const second = service.invoke("Echo", {});
  const [a, b] = daemon.invoked.map((p) => p.requestId!);
  line(a, "a1");
  line("http-request", "from an HTTP request");
  line(b, "b1");
  line(undefined, "init code, no request");
  line(a, "a2");
  daemon.finish(a);
  await first;
  line(a, "a3: after its result, in the result's logs instead");
  line(b, "b2");
  daemon.finish(b);
  await second;

  const logsOf = (id: string) => events.flatMap((e) => (e.type === "log" && e.requestId === id ? [e.record.text] : []));
  assert.deepEqual(logsOf(a), ["a1", "a2"]);
  assert.deepEqual(logsOf(b), ["b1", "b2"]);
  assert.equal(events.filter((e) => e.type === "log").length, 4, "no line of another request or of none");
  const finished = events.filter((e) => e.type === "finished");
  assert.deepEqual(finished.map((e) => e.requestId), [a, b]);
  assert.deepEqual(finished[0].type === "finished" && finished[0].cost, { perInvocation: 0.000001, currency: "USD", provider: "aws", monthly: 0.03 });
});

test("a failed invocation is reported as failed and rejects", async () => {
  const { daemon, service, events } = setUp();
  const invocation = service.invoke("Echo", {});
  daemon.fail(daemon.invoked[0].requestId!, "no such function");
  await assert.rejects(invocation, /no such function/);
  assert.deepEqual(events.map((e) => e.type), ["started", "failed"]);
});
