// Unhandled errors in the editor: the runtime's error line and stack reach the function's
// Output channel, the invoke panel's log lines (the invocation service's events) and the
// request log opened from the tree, with frames pointing at the workspace's files; the failed
// row in the tree says what failed, whatever ran the function (invoke, HTTP, timer, init).
// Adds the failing functions to the workspace (suite/failingFixture.ts) for the driver too.
import * as assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";
import { Requests, type InvocationSummary, type LogRecord } from "../../../emulator/protocol";
import type { FaasboxApi } from "../../../extension/extension";
import type { InvocationEvent } from "../../../extension/invocations/invocationEvents";
import { BROKEN_INIT, FAILING_FOLDER, PY_RAISER, THROW_LINE, THROWER, THROWER_TIMER, writeFailingFunctions } from "./failingFixture";
import { waitFor } from "./waitFor";

const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

describe("unhandled errors in the logs", () => {
  let api: FaasboxApi;
  let folder: string;

  before(async () => {
    api = await vscode.extensions.getExtension<FaasboxApi>("faasbox.faasbox")!.activate();
    await vscode.commands.executeCommand("workbench.view.extension.faasbox"); // starts the emulator
    await waitFor(() => api.manager!.isConnected, "the emulator to be connected");
    folder = join(root(), FAILING_FOLDER);
    writeFailingFunctions(root());
    await api.manager!.request(Requests.projectReload);
    await api.model!.refresh();
    await waitFor(() => api.model!.triggers?.routes.some((r) => r.function === THROWER) === true, `${THROWER}'s HTTP route`);
    // The daemon's file watcher sees the new files too and replaces the instances a moment later.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });

  /** The label of the tree's history row of `requestId`, once the row is there. */
  async function historyRow(name: string, requestId?: string): Promise<string> {
    let summary: InvocationSummary | undefined;
    await waitFor(() => {
      summary = api.model!.historyOf(name).find((s) => requestId === undefined || s.requestId === requestId);
      return summary !== undefined;
    }, `${name}'s history row`);
    const row = api.tree!.getChildren({ kind: "function", name }).find((n) => n.kind === "invocation" && n.summary.requestId === summary!.requestId)!;
    return String(api.tree!.getTreeItem(row).label);
  }

  async function requestLog(name: string, requestId: string): Promise<vscode.TextDocument> {
    await vscode.commands.executeCommand("faasbox.logs.showRequest", name, requestId);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.path === `/${name}/${requestId}.log`, "the request log document");
    return vscode.window.activeTextEditor!.document;
  }

  const channelLines = (name: string, requestId: string): LogRecord[] => api.logs!.recentLines(name).filter((r) => r.requestId === requestId);

  it("shows a thrown Node.js error and its stack in the channel, the panel's lines and the request log, linked to the file", async () => {
    const events: InvocationEvent[] = [];
    const listener = api.invocations!.onEvent((e) => events.push(e));
    const result = await api.invocations!.invoke(THROWER, {}).finally(() => listener.dispose());
    assert.equal(result.ok, false);
    assert.deepEqual([result.error?.errorType, result.error?.errorMessage], ["Error", "boom"]);

    // The panel's log section: the request's live lines, then the result's.
    const live = events.flatMap((e) => (e.type === "log" && e.requestId === result.requestId ? [e.record.text] : []));
    for (const lines of [live, result.logs.map((r) => r.text)]) {
      assert.ok(lines.some((t) => /\tERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"boom"/.test(t)), lines.join("\n"));
    }
    // The function's Output channel, with START/END/REPORT as well.
    await waitFor(() => channelLines(THROWER, result.requestId).some((r) => r.text.startsWith("REPORT RequestId: ")), "the REPORT line in the channel");
    const channel = channelLines(THROWER, result.requestId).map((r) => r.text);
    assert.ok(channel[0].startsWith("START RequestId: "), channel.join("\n"));
    assert.ok(channel.some((t) => t.includes("Invoke Error") && t.includes(`/var/task/app.js:${THROW_LINE}:`)), channel.join("\n"));

    // The request log opened from the tree's row: the stack's frame is the workspace file, a link.
    const document = await requestLog(THROWER, result.requestId);
    assert.match(document.getText(), /ERROR\tInvoke Error/);
    assert.ok(document.getText().includes(`${join(folder, "app.js")}:${THROW_LINE}:`), document.getText());
    const links = (await vscode.commands.executeCommand("vscode.executeLinkProvider", document.uri)) as vscode.DocumentLink[];
    assert.ok(links.some((l) => l.target?.fsPath === join(folder, "app.js") && l.target.fragment.startsWith(`L${THROW_LINE}`)), JSON.stringify(links.map((l) => l.target?.toString())));

    assert.match(await historyRow(THROWER, result.requestId), /^✗ Error: boom · [\d.]+ ms$/);
  });

  it("logs the error of a failed HTTP request and of a failed timer run, and their rows say what failed", async () => {
    const url = api.model!.triggers!.routes.find((r) => r.function === THROWER)!.url;
    const before = new Set(api.model!.historyOf(THROWER).map((s) => s.requestId));
    const response = await fetch(url);
    assert.ok(response.status >= 500, `the gateway answered ${response.status}`);
    await waitFor(() => api.model!.historyOf(THROWER).some((s) => !before.has(s.requestId)), "the HTTP request in the history");
    const http = api.model!.historyOf(THROWER).find((s) => !before.has(s.requestId))!;
    assert.match(await historyRow(THROWER, http.requestId), /^✗ Error: boom · /);
    await waitFor(() => channelLines(THROWER, http.requestId).some((r) => r.text.includes("Invoke Error")), "the HTTP request's error line");

    const seen = new Set(api.model!.historyOf(THROWER).map((s) => s.requestId));
    // "Fire Now" on the timer's row in the tree.
    const timerNode = api.tree!.getChildren({ kind: "function", name: THROWER }).find((n) => n.kind === "trigger" && n.trigger.kind === "timer" && n.trigger.name === THROWER_TIMER);
    assert.ok(timerNode, "the timer is listed under the function");
    await vscode.commands.executeCommand("faasbox.timer.fire", timerNode);
    await waitFor(() => api.model!.historyOf(THROWER).some((s) => !seen.has(s.requestId)), "the timer run in the history");
    const timer = api.model!.historyOf(THROWER).find((s) => !seen.has(s.requestId))!;
    assert.match(await historyRow(THROWER, timer.requestId), /^✗ Error: boom · /);
    await waitFor(() => channelLines(THROWER, timer.requestId).some((r) => r.text.includes("Invoke Error")), "the timer run's error line");
    assert.match((await requestLog(THROWER, timer.requestId)).getText(), /Invoke Error/);
  });

  it("shows a Python exception's traceback, with the workspace's file", async () => {
    const result = await api.invocations!.invoke(PY_RAISER, {});
    assert.equal(result.ok, false);
    await waitFor(() => channelLines(PY_RAISER, result.requestId).some((r) => r.text.startsWith("REPORT ")), "the REPORT line");
    const error = channelLines(PY_RAISER, result.requestId).find((r) => r.text.startsWith("[ERROR] ValueError: bad input"));
    assert.ok(error, channelLines(PY_RAISER, result.requestId).map((r) => r.text).join("\n"));
    assert.match(error.text, /Traceback \(most recent call last\):\n\s+File "\/var\/task\/raiser\.py", line 3/);
    const document = await requestLog(PY_RAISER, result.requestId);
    assert.ok(document.getText().includes(`File "${join(folder, "raiser.py")}", line 3`), document.getText());
    assert.match(await historyRow(PY_RAISER, result.requestId), /^✗ ValueError: bad input · /);
  });

  it("says what failed when the function cannot even load", async () => {
    const result = await api.invocations!.invoke(BROKEN_INIT, {});
    assert.equal(result.ok, false);
    assert.equal(result.errorKind, "init");
    assert.match(await historyRow(BROKEN_INIT, result.requestId), /^✗ Runtime\.ImportModuleError: .*not-there/);
    await waitFor(() => api.logs!.recentLines(BROKEN_INIT).some((r) => r.text.includes("Runtime.ImportModuleError")), "the init error in the channel");
  });
});
