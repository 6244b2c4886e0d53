// Invocations from the editor while the same function serves other requests at once:
// each invocation's live log lines are its own. Runs after the other suites (it adds a
// function to the workspace) and leaves warm instances and the route's URL for the
// driver's test of the invoke panel (test/vscode/extension.test.ts).
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import * as vscode from "vscode";
import { Requests } from "../../../emulator/protocol";
import type { FaasboxApi } from "../../../extension/extension";
import type { InvocationEvent } from "../../../extension/invocations/invocationEvents";
import { foreignLines, overlaps, PANEL_LOGS_FUNCTION, writePanelLogsFunction, type PanelLogsAnswer } from "./panelLogsFixture";
import { waitFor } from "./waitFor";

describe("concurrent invocations of one function", () => {
  let api: FaasboxApi;
  let url: string;

  before(async () => {
    api = await vscode.extensions.getExtension<FaasboxApi>("faasbox.faasbox")!.activate();
    writePanelLogsFunction(vscode.workspace.workspaceFolders![0].uri.fsPath);
    await api.manager!.request(Requests.projectReload);
    await api.model!.refresh();
    await waitFor(() => api.model!.triggers?.routes.some((r) => r.function === PANEL_LOGS_FUNCTION) === true, `${PANEL_LOGS_FUNCTION}'s HTTP route`);
    url = api.model!.triggers!.routes.find((r) => r.function === PANEL_LOGS_FUNCTION)!.url;
    // The daemon's file watcher sees the new files too and, a moment later, takes them for
    // changed code and replaces the function's instances: let that pass, so the instances
    // started below stay warm for the driver's test.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // For the driver, which sends HTTP requests to the function while the panel invokes it.
    if (process.env.FAASBOX_TEST_RESULTS) writeFileSync(`${process.env.FAASBOX_TEST_RESULTS}.panelLogs`, JSON.stringify({ url }));
  });

  it("streams each service invocation only its own request's lines, while HTTP requests run the same function", async () => {
    const events: InvocationEvent[] = [];
    const listener = api.invocations!.onEvent((e) => {
      if (e.function === PANEL_LOGS_FUNCTION) events.push(e);
    });
    try {
      const markers = ["editor-1", "editor-2", "editor-3"];
      const [editorAnswers, httpAnswers] = await Promise.all([
        Promise.all(markers.map((marker) => api.invocations!.invoke(PANEL_LOGS_FUNCTION, { marker }))),
        Promise.all(["http-1", "http-2"].map(async (marker) => (await fetch(`${url}?marker=${marker}`)).json() as Promise<PanelLogsAnswer>)),
      ]);
      const results = editorAnswers.map((r) => r.result as PanelLogsAnswer);
      const all = [...results, ...httpAnswers];
      assert.ok(results.every((r) => all.some((other) => other !== r && overlaps(r, other))), "each ran while another request of the function ran");

      for (const [i, marker] of markers.entries()) {
        const started = events.find((e) => e.type === "started" && (e.event as { marker: string }).marker === marker)!;
        assert.equal(editorAnswers[i].requestId, started.requestId, "the daemon ran it under the id the editor chose");
        const live = events.flatMap((e) => (e.type === "log" && e.requestId === started.requestId ? [e.record.text] : []));
        assert.ok(live.length > 0, `${marker}'s lines streamed live`);
        assert.deepEqual(foreignLines(live, marker, started.requestId), [], `only ${marker}'s lines`);
        assert.ok(editorAnswers[i].logs.every((r) => r.requestId === started.requestId), "the result holds only its request's lines");
      }
      // The other requests' lines did reach the editor: they were there to be kept out.
      await waitFor(() => api.logs!.recentLines(PANEL_LOGS_FUNCTION).some((r) => r.text.includes("marker=http-1 ")), "the HTTP requests' lines in the editor");
    } finally {
      listener.dispose();
    }
  });
});
