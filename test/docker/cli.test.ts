// The CLI contract other tools rely on: start, status --json, invoke, logs, clean stop.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { connectionFile } from "../../emulator/config/paths";
import { LABELS } from "../../emulator/core/docker/labels";
import { runCli } from "../helpers/cli";
import { faasboxContainers, requireDocker } from "../helpers/docker";
import { copyFixture, waitFor } from "../helpers/emulator";
import { CLI } from "../helpers/paths";

describe("faasbox start / status / invoke / logs", () => {
  let root: string;
  let server: ChildProcess;
  let output = "";

  before(async () => {
    await requireDocker();
    root = copyFixture("runtime");
    server = spawn(process.execPath, [CLI, "start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    await waitFor(() => runCli(["status", "--project", root, "--json"]).status === 0, `faasbox start to come up:\n${output}`, 20_000);
  });

  after(async () => {
    if (server.exitCode === null) server.kill("SIGKILL");
  });

  test("status --json prints the pid, control URL and token of the running emulator", () => {
    const result = runCli(["status", "--project", root, "--json"]);
    const info = JSON.parse(result.stdout);
    assert.equal(info.pid, server.pid);
    assert.match(info.controlUrl, /^ws:\/\/127\.0\.0\.1:\d+\/faasbox$/);
    assert.match(info.token, /^[\w-]{40,}$/);
    assert.match(info.httpUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(info.invokeUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("a second faasbox start for the same project is refused and names the running one", () => {
    const second = runCli(["start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0"]);
    assert.equal(second.status, 1);
    assert.match(second.stderr, new RegExp(`an emulator already runs for ${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(pid ${server.pid},`));
    const info = JSON.parse(runCli(["status", "--project", root, "--json"]).stdout);
    assert.equal(info.pid, server.pid, "the running emulator's connection file is untouched");
  });

  test("the running emulator's Invoke API answers the AWS CLI v2", async () => {
    const info = JSON.parse(runCli(["status", "--project", root, "--json"]).stdout);
    const out = join(root, "cli-out.json");
    const result = spawnSync("/usr/bin/aws", ["lambda", "invoke", "--endpoint-url", info.invokeUrl, "--function-name", "node-esm", "--cli-binary-format", "raw-in-base64-out", "--payload", '{"via":"aws"}', out], {
      encoding: "utf8",
      env: { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_EC2_METADATA_DISABLED: "true", AWS_PAGER: "" },
    });
    assert.equal(result.status, 0, `${result.stderr} (needs Debian's awscli: npm run setup)`);
    assert.equal(JSON.parse(result.stdout).StatusCode, 200);
    assert.deepEqual(JSON.parse(readFileSync(out, "utf8")), { style: "esm", echo: { via: "aws" } });
  });

  test("invoke goes through the running emulator: result on stdout, logs on stderr, warm the second time", async () => {
    const first = runCli(["invoke", "node-cjs", "--project", root, "--event", "-"], {}, '{"from":"stdin"}');
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout).event, { from: "stdin" });
    assert.match(first.stderr, /cjs handler got \{"from":"stdin"\}/);
    assert.match(first.stderr, /Init Duration/);
    const second = runCli(["invoke", "node-cjs", "--project", root]);
    assert.equal(second.status, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /Init Duration/, "the warm instance served it");
    await waitFor(() => /cjs handler got/.test(output), "the emulator's own terminal to show the logs too");
  });

  test("a function error exits non-zero and prints the error", () => {
    const result = runCli(["invoke", "node-throw", "--project", root]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /error: node-throw failed \(function\): ValidationError: name is required/);
    assert.equal(JSON.parse(result.stdout).errorType, "ValidationError");
  });

  test("an event file that is not JSON is a usage error naming the file", () => {
    const file = `${root}/bad-event.json`;
    writeFileSync(file, "{ nope");
    const result = runCli(["invoke", "node-cjs", "--project", root, "--event", file]);
    assert.equal(result.status, 2);
    assert.ok(result.stderr.includes(`the event in ${file} is not valid JSON`), result.stderr);
  });

  test("logs prints the kept lines of a function, filtered by text", () => {
    const result = runCli(["logs", "node-cjs", "--project", root, "--grep", "from"]);
    assert.equal(result.status, 0, result.stderr);
    // The line as Lambda's Node.js runtime prints it: time, request id, level, message.
    assert.match(result.stdout, /node-cjs [0-9a-f]{8} \S+Z\t[0-9a-f-]{36}\tINFO\tcjs handler got \{"from":"stdin"\}/);
    assert.doesNotMatch(result.stdout, /REPORT/);
  });

  test("logs refuses a --limit or --since that is not a positive number, with exit 2", () => {
    for (const bad of [["--limit", "0"], ["--limit", "2.5"], ["--since", "10m"]]) {
      const result = runCli(["logs", "--project", root, ...bad]);
      assert.equal(result.status, 2, `${bad.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`${bad[0]} must be a positive`));
    }
  });

  test("SIGTERM stops the emulator and leaves no container behind", async () => {
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    assert.equal(await exited, 0, output);
    const docker = await requireDocker();
    assert.deepEqual(await faasboxContainers(docker, [`${LABELS.project}=${root}`]), []);
    assert.equal(runCli(["status", "--project", root]).status, 1);
  });

  test("with the emulator stopped, logs still prints the lines it kept", () => {
    const result = runCli(["logs", "node-cjs", "--project", root, "--grep", "from"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /no Faasbox emulator is running .*: these are the lines it kept/);
    assert.match(result.stdout, /cjs handler got \{"from":"stdin"\}/);
    assert.equal(runCli(["logs", "--project", root, "-f"]).status, 1, "nothing to follow");
  });
});

test("invoke without a running emulator runs the function itself and cleans up", async () => {
  const docker = await requireDocker();
  const root = copyFixture("runtime");
  const result = runCli(["invoke", "python-package", "--project", root, "--event", "-"], {}, '{"cli":1}');
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { style: "package", echo: { cli: 1 } });
  assert.deepEqual(await faasboxContainers(docker, [`${LABELS.project}=${root}`]), []);
});

test("a connection file left by a dead emulator is detected and removed", () => {
  const root = copyFixture("runtime");
  const file = connectionFile(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 12345, root, controlUrl: "ws://127.0.0.1:1/faasbox", token: "x" }));
  const result = runCli(["status", "--project", root, "--json"]);
  assert.equal(result.status, 1);
  assert.deepEqual(JSON.parse(result.stdout), { running: false, root });
  assert.equal(existsSync(file), false);
});
