import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumBinary, startCodeServer, type RunningCodeServer } from "./codeServer";
import { EXAMPLES, REPO_ROOT } from "./paths";

export interface SuiteResults {
  passes: string[];
  failures: { title: string; error: string }[];
}

export interface Workbench {
  page: Page;
  results: SuiteResults;
  /** What the in-host suite recorded besides pass/fail (activation time). */
  resultsFile: string;
  /** Lets the in-host suite finish, then stops the browser and code-server. */
  close(): Promise<void>;
}

/**
 * Opens a copy of the examples (or of `source`) in a real VS Code (code-server) with the built extension as the
 * extension under development, runs test/vscode/suite inside its extension host
 * (`grep` narrows it) and waits for the suite's results. The workbench stays open,
 * as the suite left it, until close().
 */
export async function openWorkbench(grep?: string, onSignal: (name: string, page: Page) => Promise<void> = async () => {}, source = EXAMPLES): Promise<Workbench> {
  const suiteIndex = join(REPO_ROOT, "out", "test", "vscode", "index.js");
  assert.ok(existsSync(suiteIndex), `${suiteIndex} is missing: build with 'node scripts/build.mjs --tests'`);
  const work = mkdtempSync(join(tmpdir(), "faasbox-vscode-"));
  const workspace = join(work, "examples");
  cpSync(source, workspace, { recursive: true });
  const resultsFile = join(work, "results.json");

  let codeServer: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    writeFileSync(`${resultsFile}.done`, "");
    await new Promise((r) => setTimeout(r, 300));
    await browser?.close();
    await codeServer?.stop();
  };
  try {
    codeServer = await startCodeServer(workspace, { FAASBOX_TEST_RESULTS: resultsFile, ...(grep ? { FAASBOX_TEST_GREP: grep } : {}) });
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
    const handled = new Set<string>();
    while (!existsSync(resultsFile)) {
      // The in-host suite can ask for something done on the page mid-test (signalDriver).
      for (const name of ["paused", "deployFailed"]) {
        if (!handled.has(name) && existsSync(`${resultsFile}.${name}`)) {
          handled.add(name);
          await onSignal(name, page).catch(() => undefined);
          writeFileSync(`${resultsFile}.${name}.done`, "");
        }
      }
      assert.ok(Date.now() < deadline, `the extension host wrote no results within 240 s. code-server said:\n${codeServer.output().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return { page, results: JSON.parse(readFileSync(resultsFile, "utf8")) as SuiteResults, resultsFile, close };
  } catch (error) {
    await close();
    throw error;
  }
}
