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

let codeServer: RunningCodeServer | undefined;
let browser: Browser | undefined;

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
  writeFileSync(`${resultsFile}.done`, "");

  assert.deepEqual(results.failures, [], results.failures.map((f) => `${f.title}\n${f.error}`).join("\n\n"));
  assert.ok(results.passes.length >= 4, `expected the whole suite to run, got: ${results.passes.join(", ")}`);
  const title = await page.title();
  assert.match(title, /Extension Development Host/);
});
