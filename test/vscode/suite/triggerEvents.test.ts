// A function's first event is its own trigger's, shown before it runs; later Invokes reuse the
// last event; Run now sends a sample through each kind of trigger. Runs after the other suites
// (it adds functions to the workspace, see triggerEventsFixture).
import * as assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";
import { Requests, type InvokeResult } from "../../../emulator/protocol";
import type { TriggerRunOutcome } from "../../../extension/commandIds";
import type { FaasboxApi } from "../../../extension/extension";
import type { TreeNode } from "../../../extension/views/treeNode";
import { BUCKET_FUNCTION, DEBUGGED_TIMER, DRIVER_TIMER, GENERATED, writeTriggerEventFunctions } from "./triggerEventsFixture";
import { waitFor } from "./waitFor";

type Json = Record<string, any>;
const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

describe("each function's own events", () => {
  let api: FaasboxApi;

  before(async () => {
    api = await vscode.extensions.getExtension<FaasboxApi>("faasbox.faasbox")!.activate();
    writeTriggerEventFunctions(root());
    await api.manager!.request(Requests.projectReload);
    await api.model!.refresh();
    const names = [...GENERATED.map((g) => g.name), BUCKET_FUNCTION];
    await waitFor(() => names.every((name) => api.model!.get(name)), "the generated functions, under the names typed");
  });

  /** The event the next invocation of `name` from the editor starts with, and its result. */
  async function invokeFromLens(name: string): Promise<{ result: InvokeResult | undefined; event?: Json }> {
    let event: Json | undefined;
    const listener = api.invocations!.onEvent((e) => {
      if (e.type === "started" && e.function === name) event = e.event as Json;
    });
    try {
      const result = (await vscode.commands.executeCommand("faasbox.function.invoke", name)) as InvokeResult | undefined;
      return { result, event };
    } finally {
      listener.dispose();
    }
  }

  const expectations: Record<string, (event: Json) => void> = {
    "hello-timer": (e) => assert.deepEqual([e.Type, e.TriggerName, e.Message], ["Timer", "hello-timer-every-5-minutes", "hello"]),
    "aws-timer": (e) => {
      assert.equal(e["detail-type"], "Scheduled Event");
      assert.match(e.resources[0], /:rule\/aws-timer-Every5Minutes$/);
    },
    "hello-topic": (e) => assert.equal(e.Records[0].CMQ.topicName, "hello-topic-topic"),
    "aws-topic": (e) => assert.match(e.Records[0].Sns.TopicArn, /:sns:[\w-]+:\d{12}:aws-topic-topic$/),
    "hello-http": (e) => assert.deepEqual([e.httpMethod, e.path], ["GET", "/hello-http"]),
    "aws-http": (e) => assert.deepEqual([e.routeKey, e.rawPath], ["GET /aws-http", "/aws-http"]),
  };

  for (const [name, expectEvent] of Object.entries(expectations)) {
    it(`${name}: the first Invoke shows its trigger's event without running; the next runs it; it is remembered`, async () => {
      const first = await invokeFromLens(name);
      assert.equal(first.result, undefined, "not run with an event the user has not seen");
      assert.equal(first.event, undefined);
      assert.equal(api.model!.historyOf(name).length, 0);

      const second = await invokeFromLens(name);
      assert.ok(second.event, "the second Invoke ran");
      expectEvent(second.event);
      assert.equal(second.result?.ok, true, JSON.stringify(second.result?.error));

      // The panel closed, the function is still not run with {}: its last event is remembered.
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
      const third = await invokeFromLens(name);
      assert.deepEqual(third.event, second.event);
      assert.equal(third.result?.ok, true);
    });
  }

  it("Debug on a function never run gives it its trigger's event, not {}", async () => {
    let event: Json | undefined;
    const listener = api.invocations!.onEvent((e) => {
      if (e.type === "started" && e.function === DEBUGGED_TIMER) event = e.event as Json;
    });
    try {
      assert.equal(await vscode.commands.executeCommand("faasbox.function.debug", DEBUGGED_TIMER), true);
      await waitFor(() => api.model!.historyOf(DEBUGGED_TIMER).length > 0, `${DEBUGGED_TIMER}'s debug invocation to end`, 60_000);
      assert.deepEqual([event?.Type, event?.TriggerName], ["Timer", `${DEBUGGED_TIMER}-every-5-minutes`]);
      assert.equal(api.model!.historyOf(DEBUGGED_TIMER)[0].ok, true, "the timer template runs with its own event");
    } finally {
      listener.dispose();
      await vscode.debug.stopDebugging();
    }
  });

  it("offers Run now above a handler, one lens per trigger", async () => {
    const file = vscode.Uri.file(join(root(), "hello-timer", "index.js"));
    await vscode.workspace.openTextDocument(file);
    const lenses = (await vscode.commands.executeCommand("vscode.executeCodeLensProvider", file)) as vscode.CodeLens[];
    const run = lenses.find((l) => l.command?.command === "faasbox.trigger.run");
    assert.equal(run?.command?.title, "$(run-all) Run timer hello-timer-every-5-minutes");
    assert.equal(lenses[0].command?.title, "$(play) Invoke hello-timer");
  });

  /** Run now as the tree's menu runs it: on the function's trigger item. */
  async function runNow(name: string): Promise<TriggerRunOutcome> {
    const trigger = api.tree!.getChildren({ kind: "function", name }).find((n): n is Extract<TreeNode, { kind: "trigger" }> => n.kind === "trigger")!;
    assert.match(String(api.tree!.getTreeItem(trigger).contextValue), /^trigger\./, "the item the menu's Run Now is on");
    const outcome = (await vscode.commands.executeCommand("faasbox.trigger.run", trigger)) as TriggerRunOutcome | undefined;
    assert.ok(outcome, "Run now ran");
    return outcome;
  }

  /** Waits for a line of the request in the function's log channel (the suite's protocol module is not the extension's: no raw requests with params). */
  async function expectLogLine(name: string, requestId: string, pattern: RegExp): Promise<void> {
    await waitFor(() => api.logs!.recentLines(name).some((r) => r.requestId === requestId && pattern.test(r.text)), `${name}'s line ${pattern}`);
  }

  it("Run now on a timer fires it: the function gets the timer's event", async () => {
    const outcome = await runNow("hello-timer");
    assert.equal(outcome.sent, "fired timer hello-timer-every-5-minutes");
    assert.equal(outcome.invocation?.ok, true, outcome.invocation?.errorMessage);
    await expectLogLine("hello-timer", outcome.invocation!.requestId, /timer hello-timer-every-5-minutes fired at/);
  });

  it("Run now on a topic publishes a sample message to it", async () => {
    const outcome = await runNow("aws-topic");
    assert.match(outcome.sent, /^published a sample message to topic aws-topic-topic/);
    assert.equal(outcome.invocation?.ok, true, outcome.invocation?.errorMessage);
    await expectLogLine("aws-topic", outcome.invocation!.requestId, /message [\w-]+: \{"hello":"faasbox"\}/);
  });

  it("Run now on a route sends its sample request through the HTTP gateway", async () => {
    const outcome = await runNow("aws-http");
    assert.equal(outcome.status, 200);
    assert.deepEqual(JSON.parse(outcome.body!), { message: "Hello, faasbox!" });
    assert.equal(outcome.invocation?.ok, true);
  });

  it("Run now on a bucket drops a sample object in it", async () => {
    const outcome = await runNow(BUCKET_FUNCTION);
    assert.match(outcome.sent, /^wrote uploads\/faasbox-sample\.json in bucket photos/);
    assert.equal(outcome.invocation?.ok, true, outcome.invocation?.errorMessage);
    await expectLogLine(BUCKET_FUNCTION, outcome.invocation!.requestId, /object uploads\/faasbox-sample\.json/);
  });

  it(`leaves ${DRIVER_TIMER} never invoked, for the driver's click on its Invoke lens`, () => {
    assert.equal(api.model!.historyOf(DRIVER_TIMER).length, 0);
  });
});
