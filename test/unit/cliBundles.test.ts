// The CLI starts fast because a command loads only the bundles it runs (scripts/build.mjs): these
// run the built bundles alone in a folder, so a command that reached for more would fail here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_BUNDLES, REPO_ROOT } from "../helpers/paths";

const [DISPATCHER, CLIENT] = CLI_BUNDLES;
const version = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version as string;

/** A folder holding only the named bundles of dist/, and a project folder with no emulator running. */
function bundlesAlone(bundles: string[]): { run: (args: string[]) => { status: number | null; stdout: string; stderr: string }; project: string } {
  const folder = mkdtempSync(join(tmpdir(), "faasbox-cli-bundles-"));
  for (const bundle of bundles) copyFileSync(join(REPO_ROOT, "dist", bundle), join(folder, bundle));
  const project = mkdtempSync(join(tmpdir(), "faasbox-cli-project-"));
  const run = (args: string[]) => spawnSync(process.execPath, [join(folder, "cli.js"), ...args], { encoding: "utf8", timeout: 60_000 });
  return { run, project };
}

test("faasbox --version runs from dist/cli.js alone; any other command loads dist/cli-client.js", () => {
  const { run, project } = bundlesAlone([DISPATCHER]);
  const result = run(["--version"]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), version);
  const status = run(["status", "--project", project]);
  assert.equal(status.status, 1);
  assert.match(status.stderr, /cli-client\.js/);
});

test("status, event, help and usage errors run without dist/cli-engine.js; doctor and an invoke with no emulator load it", () => {
  const { run, project } = bundlesAlone([DISPATCHER, CLIENT]);
  const status = run(["status", "--project", project]);
  assert.equal(status.status, 1);
  assert.match(status.stderr, /no Faasbox emulator is running for/);
  const event = run(["event", "generate", "timer", "--dialect", "scf"]);
  assert.equal(event.status, 0, event.stderr);
  assert.equal(JSON.parse(event.stdout).Type, "Timer");
  assert.match(run(["--help"]).stdout, /Usage: faasbox COMMAND/);
  const usage = run(["invoke"]);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /faasbox invoke: which function\?/);
  for (const args of [["doctor"], ["invoke", "fn", "--project", project]]) {
    const result = run(args);
    assert.equal(result.status, 1, `faasbox ${args.join(" ")}`);
    assert.match(result.stderr, /cli-engine\.js/, `faasbox ${args.join(" ")}`);
  }
});

test("package and deploy load dist/cli-deploy.js, and their usage errors are usage errors (exit 2) across the bundle boundary", () => {
  const withoutDeploy = bundlesAlone(CLI_BUNDLES.filter((bundle) => bundle !== "cli-deploy.js"));
  const missing = withoutDeploy.run(["package", "fn", "--project", withoutDeploy.project]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cli-deploy\.js/);
  const { run } = bundlesAlone(CLI_BUNDLES);
  for (const [args, message] of [[["package"], /^faasbox package: which function\?/], [["deploy", "--bogus"], /^faasbox deploy: Unknown option '--bogus'/]] as const) {
    const result = run([...args]);
    assert.equal(result.status, 2, `faasbox ${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});
