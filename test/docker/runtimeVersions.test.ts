// The version a function declares is the one it runs, or Faasbox says which runs instead:
// real containers of the images `npm run setup` builds, the real shims, the real CLI.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { readUserConfig } from "../../emulator/config/userConfig";
import { Engine } from "../../emulator/core/engine";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { CLI } from "../helpers/paths";

let docker: Docker;
let engine: Engine;
let root: string;

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

/** A project with one function per case; readable by the containers' unprivileged users. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-versions-"));
  chmodSync(dir, 0o755);
  write(join(dir, "node", "index.js"), "exports.handler = async () => ({ version: process.version });\n");
  write(join(dir, "py", "index.py"), "import sys\ndef handler(event, context):\n    return {'version': '%d.%d' % sys.version_info[:2]}\n");
  // bash-only syntax in a `#!/bin/sh` bootstrap: pipefail and [[ ]] fail under dash.
  write(join(dir, "custom", "bootstrap"), [
    "#!/bin/sh",
    "set -euo pipefail",
    'API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"',
    "while true; do",
    '  HEADERS="$(mktemp)"',
    '  EVENT="$(curl -sS -D "$HEADERS" "$API/next")"',
    "  ID=$(grep -i Lambda-Runtime-Aws-Request-Id \"$HEADERS\" | tr -d '[:space:]' | cut -d: -f2)",
    '  if [[ "$EVENT" == *ping* ]]; then ANSWER="\\"pong from $(readlink -f /bin/sh)\\""; else ANSWER="\\"other\\""; fi',
    '  curl -sS -X POST "$API/$ID/response" -d "$ANSWER" >/dev/null',
    "done",
    "",
  ].join("\n"), 0o755);
  write(join(dir, "template.yaml"), [
    "AWSTemplateFormatVersion: '2010-09-09'",
    "Transform: AWS::Serverless-2016-10-31",
    "Resources:",
    "  Node22:",
    "    Type: AWS::Serverless::Function",
    "    Properties: { Runtime: nodejs22.x, Handler: index.handler, CodeUri: node }",
    "  Python39:",
    "    Type: AWS::Serverless::Function",
    "    Properties: { Runtime: python3.9, Handler: index.handler, CodeUri: py }",
    "  BashBootstrap:",
    "    Type: AWS::Serverless::Function",
    "    Properties: { Runtime: provided.al2023, Handler: unused, CodeUri: custom }",
    "  Arm:",
    "    Type: AWS::Serverless::Function",
    "    Properties: { Runtime: nodejs22.x, Handler: index.handler, CodeUri: node, Architectures: [arm64] }",
    "",
  ].join("\n"));
  return dir;
}

before(async () => {
  docker = await requireDocker();
  const node22 = readUserConfig().images?.["nodejs@22"];
  assert.ok(node22, "no image for Node.js 22 in the user config (images[\"nodejs@22\"]): run 'npm run setup'");
  await assert.doesNotReject(docker.getImage(node22).inspect(), `the image ${node22} is missing: run 'npm run setup'`);
  root = project();
  engine = await Engine.create({ root, executor: "docker", watch: false });
  assert.deepEqual(engine.problems.map((p) => p.message), []);
});

after(async () => {
  await engine?.shutdown();
  if (docker) assert.deepEqual((await leftoverContainers(docker)).map((c) => c.Id), [], "containers were left behind");
});

test("a nodejs22.x function runs Node.js 22 and says nothing about its version", async () => {
  const result = await engine.invoke("Node22", {});
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.match((result.result as { version: string }).version, /^v22\./);
  assert.ok(!result.logs.some((line) => line.text.includes("runs on")), result.logs.map((l) => l.text).join("\n"));
});

test("a python3.9 function with no Python 3.9 image says, right after its first START, which Python runs instead", async () => {
  const result = await engine.invoke("Python39", {});
  assert.equal(result.ok, true, JSON.stringify(result));
  const ran = (result.result as { version: string }).version;
  const messages = result.logs.map((line) => line.text);
  const start = messages.findIndex((message) => message.startsWith("START RequestId:"));
  assert.ok(start >= 0, messages.join("\n"));
  assert.match(messages[start + 1], new RegExp(`^faasbox: python3\\.9 runs on Python ${ran.replace(".", "\\.")}\\.\\d+ here, not Python 3\\.9 \\(`));
  // Said once per instance: the next (warm) invocation's log has no such line.
  const warm = await engine.invoke("Python39", {});
  assert.ok(!warm.logs.some((line) => line.text.includes("runs on Python")));
});

test("a provided.al2023 bootstrap written for bash runs: /bin/sh is bash, as on Amazon Linux", async () => {
  const result = await engine.invoke("BashBootstrap", "ping");
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.match(String(result.result), /^pong from .*\/bash$/);
});

test("an arm64 function on an engine with no arm64 image runs as it can and says why", async () => {
  const result = await engine.invoke("Arm", {});
  assert.equal(result.ok, true, JSON.stringify(result));
  const notice = result.logs.map((line) => line.text).find((message) => message.includes("declares arm64"));
  const arch = (await docker.version()).Arch;
  if (arch === "arm64") assert.equal(notice, undefined);
  else assert.match(notice ?? "", /^faasbox: Arm declares arm64 but runs on amd64 here: /);
});

test("faasbox start lists each function with the version it runs and a warning where it is not the declared one", async () => {
  const child = spawn(process.execPath, [CLI, "start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0", "--no-watch"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => output.includes("control API:") && resolve());
      child.on("exit", () => reject(new Error(`faasbox start exited:\n${output}`)));
    });
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
  assert.match(output, /^ {2}Node22 {2}nodejs22\.x \(22\.\d+\.\d+\) /m, output);
  assert.match(output, /^ {2}Python39 {2}python3\.9 → 3\.\d+\.\d+ here \(!\) /m, output);
  assert.match(output, /^ {4}warning: python3\.9 runs on Python 3\.\d+\.\d+ here, not Python 3\.9 \(/m, output);
});
