// Breakpoints as a person sets them: a click in the editor's gutter of a handler, then Debug
// (F5 on the Python file, the CodeLens on the Node one), and the debugger stops on that line
// with none of Faasbox's own frames in the call stack. Its own workbench; the suite does not run.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS } from "../helpers/paths";
import { openWorkbench, type Workbench } from "../helpers/workbench";
import { runFromPalette } from "./workbenchUi";

let workbench: Workbench | undefined;

after(async () => {
  await workbench?.close();
});

/** Opens a workspace file through Quick Open, as a user would. */
async function openFile(page: Page, relativePath: string): Promise<void> {
  await runFromPalette(page, "View: Close All Editors");
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(relativePath);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: relativePath.split("/").pop()! }).first().waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
  await page.locator(".editor-group-container.active .monaco-editor .view-lines").waitFor({ state: "visible" });
}

/** Clicks the glyph margin (left of the line numbers) at `line`, and waits for the breakpoint's red dot there. */
async function clickGutter(page: Page, line: number): Promise<void> {
  const editor = page.locator(".editor-group-container.active .monaco-editor");
  // The handler's CodeLens adds a row above it when it arrives: measure once the layout has settled.
  await editor.locator(".codelens-decoration", { hasText: "Debug" }).first().waitFor({ state: "visible", timeout: 60_000 });
  const lineNumber = editor.locator(".margin-view-overlays .line-numbers", { hasText: new RegExp(`^\\s*${line}\\s*$`) });
  const margin = await editor.locator(".margin-view-overlays").boundingBox();
  const box = await lineNumber.boundingBox();
  assert.ok(margin && box, `line ${line} is on screen`);
  await page.mouse.move(margin.x + 8, box.y + box.height / 2);
  await page.mouse.click(margin.x + 8, box.y + box.height / 2);
  // The glyph (among the margin's glyph widgets in VS Code 1.100) at the line number's height.
  const dot = editor.locator(".margin .codicon-debug-breakpoint");
  await dot.first().waitFor({ state: "visible", timeout: 10_000 }).catch(async (error: Error) => {
    await page.screenshot({ path: join(ARTIFACTS, "vscode-gutter-breakpoint-failed.png") });
    throw error;
  });
  const [dotBox, lineBox] = [await dot.first().boundingBox(), await lineNumber.boundingBox()];
  assert.ok(dotBox && lineBox && Math.abs(dotBox.y + dotBox.height / 2 - (lineBox.y + lineBox.height / 2)) < lineBox.height / 2, `the breakpoint is on line ${line}`);
}

/** Waits for the debugger to pause at the breakpoint, keeps a screenshot, and returns the call stack's text. */
async function pausedCallStack(page: Page, screenshot: string): Promise<string> {
  // With one thread the pause reason is in the view's header ("Paused on breakpoint"), with several on the thread's row.
  const callStack = page.locator(".pane").filter({ has: page.locator(".pane-header", { hasText: /call stack/i }) });
  await callStack.filter({ hasText: /paused on breakpoint/i }).waitFor({ timeout: 90_000 }).catch(async (error: Error) => {
    await page.screenshot({ path: join(ARTIFACTS, `failed-${screenshot}`) });
    throw error;
  });
  await page.waitForTimeout(500); // the stack's rows and the editor's highlight paint
  await page.screenshot({ path: join(ARTIFACTS, screenshot) });
  return callStack.innerText();
}

/** Continues (F5 while paused) and ends the session (Shift+F5), as a user would. */
async function continueAndStop(page: Page): Promise<void> {
  await page.locator(".editor-group-container.active .monaco-editor .view-lines").click();
  await page.keyboard.press("F5");
  const callStack = page.locator(".pane").filter({ has: page.locator(".pane-header", { hasText: /call stack/i }) });
  await callStack.filter({ hasText: /paused on breakpoint/i }).waitFor({ state: "detached", timeout: 30_000 });
  await page.keyboard.press("Shift+F5");
  await page.locator(".debug-toolbar").waitFor({ state: "hidden", timeout: 30_000 });
}

test("a breakpoint clicked in the gutter stops the Python and the Node handler, with no Faasbox frame in the call stack", { timeout: 300_000 }, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // No suite test matches: this workbench is the driver's alone.
  workbench = await openWorkbench("(driver only: gutter breakpoints)");
  const { page } = workbench;
  await runFromPalette(page, "Notifications: Clear All Notifications");

  // Python, with no Python extension: the gutter takes the breakpoint, and F5 debugs the open handler's function.
  await openFile(page, "sam/python/app.py");
  await clickGutter(page, 9); // print(…)
  await page.keyboard.press("F5");
  const python = await pausedCallStack(page, "vscode-gutter-breakpoint-python.png");
  assert.match(python, /handler\s+app\.py\s+9:/, python);
  assert.doesNotMatch(python, /opt\/faasbox|bootstrap|Thread-\d/, python);
  await continueAndStop(page);

  // Node: the same click, then Debug from the handler's CodeLens.
  await openFile(page, "sam/node/app.js");
  await clickGutter(page, 4); // console.log(…)
  await page.locator(".editor-group-container.active .codelens-decoration a", { hasText: "Debug" }).first().click();
  const node = await pausedCallStack(page, "vscode-gutter-breakpoint-node.png");
  assert.match(node, /handler\s+\S*app\.js\s+4:/, node);
  assert.doesNotMatch(node, /opt\/faasbox|bootstrap/, node);
  await continueAndStop(page);
});
