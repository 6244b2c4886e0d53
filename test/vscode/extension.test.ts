// The vscode tier: the built extension in a real VS Code (code-server), its suite run
// inside the real extension host, then driven as a user would with headless Chromium;
// screenshots are kept in test-results/ to look at.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { messageOf } from "../helpers/logLines";
import { ARTIFACTS } from "../helpers/paths";
import { openWorkbench, type Workbench } from "../helpers/workbench";
import { checkFailedInvocationLogs } from "./failedInvocationLogs";
import { foreignLines, overlaps, PANEL_LOGS_FUNCTION, PANEL_LOGS_LINES, type PanelLogsAnswer } from "./suite/panelLogsFixture";
import { DRIVER_TIMER } from "./suite/triggerEventsFixture";
import { deployFromPaletteWithWrongCredentials, inViewport, openFile, panelLogLines, pickQuickItem, runFromPalette, webviewFrame } from "./workbenchUi";

let workbench: Workbench | undefined;

after(async () => {
  await workbench?.close();
});

test("the extension's suite passes inside a real VS Code, and a user can invoke from the panel", { timeout: 300_000 }, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  let pausedCallStack = "";
  let deployFailure: { toasts: string[]; dialogs: number } | undefined;
  let deployDriverError = "";
  workbench = await openWorkbench(undefined, async (name, page) => {
    if (name === "deployFailed") {
      // Kept to say why below: the workbench loop only knows the step ended.
      deployFailure = await deployFromPaletteWithWrongCredentials(page).catch((error: unknown) => {
        deployDriverError = error instanceof Error ? error.message : String(error);
        return undefined;
      });
    }
    if (name === "paused") {
      await page.locator(".debug-call-stack", { hasText: "PAUSED ON BREAKPOINT" }).waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(ARTIFACTS, "vscode-debug-paused.png") });
      pausedCallStack = await page.locator(".debug-call-stack").innerText();
    }
  });
  const { page, results } = workbench;
  // Toasts from the suite's own error cases, and code-server's, would cover the view.
  await runFromPalette(page, "Notifications: Clear All Notifications");
  await page.waitForTimeout(1500); // let the view finish painting
  await page.screenshot({ path: join(ARTIFACTS, "vscode-workbench.png") });
  assert.deepEqual(results.failures, [], results.failures.map((f) => `${f.title}\n${f.error}`).join("\n\n"));
  assert.ok(results.passes.length >= 10, `expected the whole suite to run, got: ${results.passes.join(", ")}`);
  for (const language of ["Node", "Python"]) {
    assert.ok(results.passes.some((t) => t.includes(`stops at a breakpoint in a ${language} handler`)), `the ${language} debug test ran and passed: ${results.passes.join(", ")}`);
  }
  assert.ok(results.passes.some((t) => t.startsWith("concurrent invocations of one function")), `the concurrent invocations test ran and passed: ${results.passes.join(", ")}`);
  assert.match(await page.title(), /Extension Development Host/);
  // A failed deploy, as the user meets it: one error toast with its buttons; no modal
  // "Command … resulted in an error", no second toast, no progress left behind.
  assert.ok(deployFailure, `the deploy suite asked the driver to deploy with wrong credentials, and the palette deploy showed its failure (${deployDriverError || "the suite never asked"}; screenshots vscode-deploy-failed-attempt-*.png)`);
  assert.equal(deployFailure.dialogs, 0, "no modal dialog");
  assert.equal(deployFailure.toasts.length, 1, `one notification: ${deployFailure.toasts.join(" | ")}`);
  assert.match(deployFailure.toasts[0], /Deploy of HelloPython failed:.*(credential|signature)/is);
  assert.match(deployFailure.toasts[0], /Set Cloud Credentials/);
  // One debug session for the paused function, stopped in its handler: no second session
  // attached to the same runtime behind the user's back.
  assert.match(pausedCallStack, /PAUSED ON BREAKPOINT\s+handler\s+\/var\/task\/app\.js/, pausedCallStack);
  assert.doesNotMatch(pausedCallStack, /Child Process|DEBUGGER STATEMENT/, pausedCallStack);

  // As a user: with the code open, open the invoke panel from the palette, pick a function, invoke.
  await runFromPalette(page, "View: Close All Editors");
  await openFile(page, "app.py");
  await runFromPalette(page, "Faasbox: Open Invoke Panel");
  await pickQuickItem(page, "HelloPython");
  const panel = await webviewFrame(page, "#invoke");
  await panel.locator("#templates").waitFor({ state: "visible" });
  await panel.locator("#event").fill('{"queryStringParameters": {"name": "Playwright"}}');
  // Webviews are iframes layered over the workbench; a pointer hit-test at the button can
  // land on the editor underneath, so the button is activated the keyboard way.
  await panel.locator("#invoke").press("Enter");
  await panel.locator("#result-body").waitFor({ state: "visible", timeout: 60_000 });
  const shown = await panel.locator("#result").innerText();
  assert.match(shown, /Succeeded/, "the panel shows a successful result");
  assert.match(shown, /Hello Playwright from Python/);
  assert.match(shown, /per invocation/, "with a cost estimate");
  assert.ok(await inViewport(panel, "#result-body"), "the result is in view without scrolling");

  // A second function's panel: another tab of the same column, the code keeps its own.
  await runFromPalette(page, "Faasbox: Open Invoke Panel");
  await pickQuickItem(page, "HelloNode");
  await webviewFrame(page, "#fn-name", 30_000, "HelloNode");
  const groups = page.locator(".editor-group-container");
  assert.equal(await groups.count(), 2, "the code and one column of panels");
  const panelTabs = await groups.nth(1).locator(".tab .label-name").allInnerTexts();
  assert.deepEqual(panelTabs.sort(), ["Invoke HelloNode", "Invoke HelloPython"], `both panels are tabs of one group: ${panelTabs.join(", ")}`);
  assert.deepEqual(await groups.nth(0).locator(".tab .label-name").allInnerTexts(), ["app.py"]);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(ARTIFACTS, "vscode-invoke-panels-as-tabs.png") });
  await page.locator(".editor-group-container").nth(1).locator(".tab", { hasText: "Invoke HelloPython" }).click();
  await runFromPalette(page, "View: Hide Panel");
  await runFromPalette(page, "Notifications: Clear All Notifications"); // earlier tests' deploy errors
  await panel.locator("#result").scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(ARTIFACTS, "vscode-invoke-panel.png") });

  // The panel's logs while HTTP requests run the same function at the same time: live and
  // in the result, the panel shows its own request's lines and no one else's. The suite
  // added the function (suite/panelLogs.test.ts) and left its instances warm.
  const { url } = JSON.parse(readFileSync(`${workbench.resultsFile}.panelLogs`, "utf8")) as { url: string };
  await runFromPalette(page, "View: Close All Editors");
  await runFromPalette(page, "Faasbox: Open Invoke Panel");
  await pickQuickItem(page, PANEL_LOGS_FUNCTION);
  const logsPanel = await webviewFrame(page, "#fn-name", 30_000, PANEL_LOGS_FUNCTION);
  await logsPanel.locator("#templates").waitFor({ state: "visible" });
  await logsPanel.locator("#event").fill('{"marker": "panel"}');
  const httpAnswers = Promise.all(["http-1", "http-2", "http-3"].map(async (marker) => (await fetch(`${url}?marker=${marker}`)).json() as Promise<PanelLogsAnswer>));
  await logsPanel.locator("#invoke").press("Enter");
  // Three of its lines in, while it still runs: the HTTP requests have printed theirs by now.
  await logsPanel.locator("#log-lines .log-line").nth(2).waitFor({ timeout: 30_000 });
  const live = await panelLogLines(logsPanel);
  const stillInvoking = await logsPanel.locator("#invoke").getAttribute("aria-busy");
  await page.screenshot({ path: join(ARTIFACTS, "vscode-invoke-panel-live-logs.png") });
  await logsPanel.locator("#result-body").waitFor({ state: "visible", timeout: 30_000 });
  const final = await panelLogLines(logsPanel);
  const panelAnswer = JSON.parse(await logsPanel.locator("#result-body").innerText()) as PanelLogsAnswer;
  const requestId = (await logsPanel.locator("#result-request").innerText()).replace(/^request /, "");
  const others = await httpAnswers;
  assert.equal(stillInvoking, "true", "the live lines were read while the invocation ran");
  assert.ok(others.every((answer) => overlaps(answer, panelAnswer)), `the HTTP requests ran while the panel's did: ${JSON.stringify({ panelAnswer, others })}`);
  assert.deepEqual(foreignLines(live, "panel", requestId), [], `live, only the panel's request's lines: ${live.join(" | ")}`);
  assert.deepEqual(foreignLines(final, "panel", requestId), [], `in the result, only its lines: ${final.join(" | ")}`);
  assert.equal(final.map(messageOf).filter((line) => line.startsWith("marker=panel ")).length, PANEL_LOGS_LINES, "and all of them");
  await logsPanel.locator("#logs").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "vscode-invoke-panel-concurrent.png") });

  // A failing function's error and stack where a user reads logs (suite/logs.test.ts added it).
  await checkFailedInvocationLogs(page);

  await runFromPalette(page, "Faasbox: Show Metrics");
  const metrics = await webviewFrame(page, "#functions .fn-link");
  await metrics.locator(".fn-link", { hasText: "HelloPython" }).waitFor({ state: "visible" });
  // Room for the metrics: fold the Functions view above it.
  await page.locator(".pane-header", { hasText: /^Functions/i }).first().click();
  await page.waitForTimeout(2500); // one metrics update
  // The chart of HelloPython's invocations has its axes, and agrees with its card.
  const pyCard = metrics.locator("article.card", { hasText: "HelloPython" });
  await pyCard.locator("svg.chart").waitFor({ state: "visible", timeout: 10_000 });
  const ticks = await pyCard.locator("svg.chart .y-tick").allTextContents();
  assert.equal(ticks[0], "0 ms", `the duration axis starts at 0 ms: ${ticks.join(", ")}`);
  assert.ok(ticks.every((t) => /^[\d.]+ m?s$/.test(t)), `the ticks carry units: ${ticks.join(", ")}`);
  assert.equal(await pyCard.locator("svg.chart .x-tick").count(), 2, "the time axis is labelled");
  const invocationsOnCard = Number(await pyCard.locator(".stat", { hasText: "invocations" }).locator("dd").innerText());
  assert.equal(await pyCard.locator("svg.chart .bar").count(), invocationsOnCard, "a bar for each invocation the card counts");
  const coldOnCard = Number(await pyCard.locator(".stat", { hasText: "cold starts" }).locator("dd").innerText());
  assert.equal(await pyCard.locator("svg.chart .cold-cap").count(), coldOnCard, "the chart's cold starts are the card's");
  await page.screenshot({ path: join(ARTIFACTS, "vscode-metrics.png") });

  // The Invoke lens of a timer function New Function… made, never run: the panel opens on
  // its timer's event (not `{}`, which its own handler cannot take), and invoking it works.
  await runFromPalette(page, "View: Close All Editors");
  await page.keyboard.press("Control+P");
  await page.locator(".quick-input-widget input").fill(`${DRIVER_TIMER}/index.py`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: DRIVER_TIMER }).first().waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
  const lens = page.locator(".codelens-decoration a", { hasText: `Invoke ${DRIVER_TIMER}` });
  await lens.waitFor({ state: "visible", timeout: 30_000 });
  await lens.click();
  const timerPanel = await webviewFrame(page, "#fn-name", 30_000, DRIVER_TIMER);
  await timerPanel.locator("#templates").waitFor({ state: "visible" });
  const firstEvent = JSON.parse(await timerPanel.locator("#event").inputValue()) as Record<string, unknown>;
  assert.equal(firstEvent.Type, "Timer");
  assert.equal(firstEvent.TriggerName, `${DRIVER_TIMER}-every-5-minutes`);
  assert.equal(await timerPanel.locator("#result-body").isVisible(), false, "nothing ran before the user invoked");
  await page.screenshot({ path: join(ARTIFACTS, "vscode-timer-first-event.png") });
  await timerPanel.locator("#invoke").press("Enter");
  await timerPanel.locator("#result-body").waitFor({ state: "visible", timeout: 60_000 });
  assert.match(await timerPanel.locator("#result").innerText(), /Succeeded/);
  assert.ok((await panelLogLines(timerPanel)).some((line) => line.includes(`timer ${DRIVER_TIMER}-every-5-minutes fired at`)), "its handler read TriggerName");
  await runFromPalette(page, "Notifications: Clear All Notifications");
  await page.screenshot({ path: join(ARTIFACTS, "vscode-timer-invoked.png") });

  // The walkthrough a new user is offered, with its steps in order.
  await runFromPalette(page, "Welcome: Open Walkthrough...");
  await pickQuickItem(page, "Get started with Faasbox");
  const steps = page.locator(".getting-started-step .step-title");
  await steps.filter({ hasText: "Deploy it" }).waitFor({ state: "visible", timeout: 30_000 });
  assert.deepEqual(await steps.allInnerTexts(), ["Check your setup", "Create a function", "Invoke it", "Watch logs and metrics", "Stop at a breakpoint", "Deploy it"]);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(ARTIFACTS, "vscode-walkthrough.png") });
});
