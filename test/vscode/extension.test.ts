// The vscode tier: loads the built extension into a real VS Code (code-server) as the
// extension under development, runs test/vscode/suite inside its extension host, drives
// the workbench with headless Chromium and keeps a screenshot as an artifact.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { chromiumBinary, startCodeServer, type RunningCodeServer } from "../helpers/codeServer";
import { ARTIFACTS, EXAMPLES, REPO_ROOT } from "../helpers/paths";
import { pickQuickItem, runFromPalette, webviewFrame } from "./workbenchUi";

let codeServer: RunningCodeServer | undefined;
let browser: Browser | undefined;
let uiResult = "";

after(async () => {
  await browser?.close();
  await codeServer?.stop();
});

test("the extension's suite passes inside a real VS Code, and the workbench shows the Faasbox view", { timeout: 300_000 }, async () => {
  const suiteIndex = join(REPO_ROOT, "out", "test", "vscode", "index.js");
  assert.ok(existsSync(suiteIndex), `${suiteIndex} is missing: build with 'node scripts/build.mjs --tests'`);
  const work = mkdtempSync(join(tmpdir(), "faasbox-vscode-"));
  const workspace = join(work, "examples");
  cpSync(EXAMPLES, workspace, { recursive: true });
  const resultsFile = join(work, "results.json");

  codeServer = await startCodeServer(workspace, { FAASBOX_TEST_RESULTS: resultsFile });
  const remote = (path: string) => `vscode-remote://127.0.0.1:${codeServer!.port}${path}`;
  const payload = [
    ["extensionDevelopmentPath", remote(REPO_ROOT)],
    ["extensionTestsPath", remote(suiteIndex)],
  ];
  const url = `http://127.0.0.1:${codeServer.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  browser = await chromium.launch({
    executablePath: chromiumBinary(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);

  const deadline = Date.now() + 240_000;
  while (!existsSync(resultsFile)) {
    assert.ok(Date.now() < deadline, `the extension host wrote no results within 240 s. code-server said:\n${codeServer.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const results = JSON.parse(readFileSync(resultsFile, "utf8")) as { passes: string[]; failures: { title: string; error: string }[] };

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(1500); // let the view finish painting
  await page.screenshot({ path: join(ARTIFACTS, "vscode-workbench.png") });

  // As a user: open the invoke panel from the palette, pick a function, click Invoke.
  if (results.failures.length === 0) {
    await runFromPalette(page, "View: Close All Editors");
    await runFromPalette(page, "Faasbox: Open Invoke Panel");
    await pickQuickItem(page, "HelloPython");
    const panel = await webviewFrame(page, "#invoke");
    await panel.locator("#templates").waitFor({ state: "visible" });
    await panel.locator("#event").fill('{"queryStringParameters": {"name": "Playwright"}}');
    // Webviews are iframes layered over the workbench; a pointer hit-test at the button can land
    // on the editor underneath, so the button is activated the keyboard way.
    await panel.locator("#invoke").press("Enter");
    await panel.locator("#result-body").waitFor({ state: "visible", timeout: 60_000 });
    uiResult = await panel.locator("#result").innerText();
    await runFromPalette(page, "View: Hide Panel");
    await panel.locator("#result").scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, "vscode-invoke-panel.png") });
    await runFromPalette(page, "Faasbox: Show Metrics");
    await webviewFrame(page, "#functions .fn-link");
    await page.waitForTimeout(2500); // one metrics update
    await page.screenshot({ path: join(ARTIFACTS, "vscode-metrics.png") });
  }
  writeFileSync(`${resultsFile}.done`, "");

  assert.deepEqual(results.failures, [], results.failures.map((f) => `${f.title}\n${f.error}`).join("\n\n"));
  assert.match(uiResult, /Succeeded/, "clicking Invoke in the panel shows a successful result");
  assert.match(uiResult, /Hello Playwright from Python/);
  assert.ok(results.passes.length >= 4, `expected the whole suite to run, got: ${results.passes.join(", ")}`);
  const title = await page.title();
  assert.match(title, /Extension Development Host/);
});
