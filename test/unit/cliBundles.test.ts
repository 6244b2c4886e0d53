// The CLI starts fast because a command loads only the bundles it runs (scripts/build.mjs): these
// run the built bundles alone in a folder, so a command that reached for more would fail here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_BUNDLES, REPO_ROOT } from "../helpers/paths";

const [DISPATCHER, CLIENT] = CLI_BUNDLES;
const version = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version as string;

/** A folder holding only the named bundles of dist/, and a project folder with no emulator running. */
function bundlesAlone(bundles: string[]): { run: (args: string[], env?: NodeJS.ProcessEnv) => { status: number | null; stdout: string; stderr: string }; project: string } {
  const folder = mkdtempSync(join(tmpdir(), "faasbox-cli-bundles-"));
  for (const bundle of bundles) copyFileSync(join(REPO_ROOT, "dist", bundle), join(folder, bundle));
  const project = mkdtempSync(join(tmpdir(), "faasbox-cli-project-"));
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, [join(folder, "cli.js"), ...args], { encoding: "utf8", timeout: 60_000, env });
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

test("database sources load dist/cli-database.js: `faasbox doctor` of a project without one runs without it", () => {
  const withoutDatabase = bundlesAlone(CLI_BUNDLES.filter((bundle) => bundle !== "cli-database.js"));
  const plain = withoutDatabase.run(["doctor", "--project", withoutDatabase.project]);
  assert.doesNotMatch(plain.stdout + plain.stderr, /cli-database\.js/);
  // Port 1 on loopback: nothing listens there, so the check fails the way an unreachable server does.
  const manifest = "databases:\n  shop:\n    url: mysql://faasbox:secret@127.0.0.1:1/shop\n    tables: [orders]\nfunctions:\n  audit:\n    runtime: nodejs20.x\n    handler: index.handler\n    events:\n      - database: {name: shop}\n";
  writeFileSync(join(withoutDatabase.project, "faasbox.yml"), manifest);
  const missing = withoutDatabase.run(["doctor", "--project", withoutDatabase.project]);
  assert.match(missing.stdout + missing.stderr, /cli-database\.js/);
  const { run, project } = bundlesAlone(CLI_BUNDLES);
  writeFileSync(join(project, "faasbox.yml"), manifest);
  const checked = run(["doctor", "--project", project]);
  assert.match(checked.stdout, /Database shop.*cannot reach MySQL at 127\.0\.0\.1:1/);
  assert.doesNotMatch(checked.stdout + checked.stderr, /secret/);
});

test("an AWS profile is read through dist/cli-aws-credentials.js, which the engine loads only when a profile is asked for", () => {
  const home = mkdtempSync(join(tmpdir(), "faasbox-cli-home-"));
  mkdirSync(join(home, ".aws"));
  // A profile without its secret: the SDK's provider, loaded from its bundle, says it gives no credentials.
  writeFileSync(join(home, ".aws", "credentials"), "[work]\naws_access_key_id = AKIAPROFILEWORK12345\n");
  const env = { ...process.env, HOME: home, AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"), AWS_CONFIG_FILE: join(home, ".aws", "config") };
  const manifest = "functions:\n  fn:\n    runtime: nodejs20.x\n    handler: index.handler\n";
  const withProvider = bundlesAlone(CLI_BUNDLES);
  writeFileSync(join(withProvider.project, "faasbox.yml"), manifest);
  const refused = withProvider.run(["invoke", "fn", "--project", withProvider.project, "--profile", "work"], env);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /AWS profile "work" gives no credentials: Could not resolve credentials using profile/);
  const withoutProvider = bundlesAlone(CLI_BUNDLES.filter((bundle) => bundle !== "cli-aws-credentials.js"));
  writeFileSync(join(withoutProvider.project, "faasbox.yml"), manifest);
  assert.match(withoutProvider.run(["invoke", "fn", "--project", withoutProvider.project, "--profile", "work"], env).stderr, /cli-aws-credentials\.js/);
});
