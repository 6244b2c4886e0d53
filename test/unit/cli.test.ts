import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/cli";
import { REPO_ROOT } from "../helpers/paths";
import { checkNode, formatChecks } from "../../emulator/cli/doctor";

const version = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version as string;

test("faasbox --version prints the package version", () => {
  const result = runCli(["--version"]);
  assert.equal(result.status, 0);
  assert.equal(result.stdout.trim(), version);
});

test("faasbox --help lists the commands", () => {
  const result = runCli(["--help"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: faasbox COMMAND/);
  assert.match(result.stdout, /doctor/);
});

test("an unknown command exits 2 and names the known ones", () => {
  const result = runCli(["frobnicate"]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown command 'frobnicate'.*doctor/);
});

test("doctor without a reachable engine says what to do about Docker and exits non-zero", () => {
  const result = runCli(["doctor"], { DOCKER_HOST: "unix:///nonexistent.sock" });
  assert.equal(result.status, 1);
  assert.match(result.stdout, /✗ Docker engine: no engine answers at unix:\/\/\/nonexistent\.sock \(from DOCKER_HOST\)/);
  assert.match(result.stdout, /→ Start the engine DOCKER_HOST points to, or unset DOCKER_HOST/);
  assert.match(result.stdout, /✓ Node\.js: v\d+/);
});

test("doctor rejects a Node.js older than 20", () => {
  assert.equal(checkNode("18.19.0").ok, false);
  assert.equal(checkNode("20.0.0").ok, true);
  const text = formatChecks([checkNode("18.19.0")]);
  assert.match(text, /✗ Node\.js: v18\.19\.0 \(Faasbox needs 20 or newer\)/);
  assert.match(text, /1 problem to fix/);
});
