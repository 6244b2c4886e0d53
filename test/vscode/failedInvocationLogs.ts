// The driver's look at a failed invocation, as a user meets it: invoked from the invoke
// panel, its error and stack in the panel's log section, in the function's Output channel
// (with the frame a link to the workspace file), in the all-functions channel the status bar
// opens, and the status bar's count of failures. The suite (suite/logs.test.ts) added the function.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS } from "../helpers/paths";
import { THROW_LINE, THROWER } from "./suite/failingFixture";
import { panelLogLines, pickQuickItem, runFromPalette, webviewFrame } from "./workbenchUi";

/**
 * The text of the Output view's channel as shown, its visual lines joined without breaks:
 * word wrap may break a long line (the error's JSON) anywhere, even inside a path.
 */
async function outputText(page: Page): Promise<string> {
  const lines = await page.locator(".part.panel .monaco-editor .view-lines .view-line").allInnerTexts();
  return lines.join("").replace(/\u00a0/g, " ");
}

async function waitForOutput(page: Page, what: RegExp): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await outputText(page);
    if (what.test(text)) return text;
    assert.ok(Date.now() < deadline, `the Output view never showed ${what}: ${text}`);
    await page.waitForTimeout(250);
  }
}

export async function checkFailedInvocationLogs(page: Page): Promise<void> {
  await runFromPalette(page, "View: Close All Editors");
  await runFromPalette(page, "Faasbox: Open Invoke Panel");
  await pickQuickItem(page, THROWER);
  const panel = await webviewFrame(page, "#fn-name", 30_000, THROWER);
  await panel.locator("#templates").waitFor({ state: "visible" });
  await panel.locator("#event").fill("{}");
  await panel.locator("#invoke").press("Enter");
  await panel.locator("#result-status", { hasText: "Failed" }).waitFor({ timeout: 60_000 });
  const panelLines = await panelLogLines(panel);
  assert.ok(panelLines.some((line) => line.includes("Invoke Error") && line.includes('"errorMessage":"boom"')), `the panel's log section shows the error: ${panelLines.join(" | ")}`);

  // "Open in Output": the function's channel, every line shown at the default level.
  await panel.locator("#open-logs").press("Enter");
  const channel = await waitForOutput(page, new RegExp(`Invoke Error.*/failing/app\\.js:${THROW_LINE}:\\d+.*REPORT RequestId`));
  assert.match(channel, /START RequestId: [\w-]+ Version: \$LATEST/, "the platform's lines are shown too");
  assert.match(channel, /about to fail/);
  assert.doesNotMatch(channel, /\/var\/task\//, "container paths are mapped to the workspace");
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(ARTIFACTS, "vscode-failed-invocation-logs.png") });
  // The Output view detects links a moment after the text is shown; a wrapped path is cut in pieces.
  const links = page.locator(".part.panel .monaco-editor .detected-link");
  await links.first().waitFor({ timeout: 15_000 }).catch(() => undefined);
  const linked = (await links.allInnerTexts()).join("");
  assert.match(linked, new RegExp(`app\\.js:${THROW_LINE}:\\d+`), `the stack frame is a link to the file: ${linked}`);

  // The status bar counts the failures of the last minute; a click opens every function's logs.
  const status = page.locator(".statusbar-item", { hasText: /Faasbox.*\/min/ }).first();
  assert.match(await status.innerText(), /\d+\/min\s*·\s*\d+ failed/);
  await status.click();
  const all = await waitForOutput(page, /\[Thrower\] START RequestId/);
  assert.match(all, /\[Thrower\] \S+Z\t?\s*[\w-]+\s*ERROR\s*Invoke Error/);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(ARTIFACTS, "vscode-all-functions-logs.png") });
}
