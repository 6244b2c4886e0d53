// Inside the function, the cloud's own environment: the user's credentials as the execution
// role's, SCF's context fields, and Node's callback-era API, through real containers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "../../emulator/core/engine";
import type { LogRecord } from "../../emulator/protocol";
import { runCliAsync } from "../helpers/cli";
import { requireDocker } from "../helpers/docker";
import { copyFixture, startEmulator, waitFor } from "../helpers/emulator";
import { messageOf } from "../helpers/logLines";
import { CLI } from "../helpers/paths";

// Made-up keys of the real shapes: they only have to reach the function and nowhere else.
const AWS = { id: "AKIAFAASBOXTEST12345", secret: "fAaSbOxSeCrEt/0123456789abcdefghijKLMNOP", token: "FwoGZXIvYXdzEFAASBOXSESSIONTOKEN0123456789" };
const TENCENT = { id: "AKIDfaasboxTEST0123456789abcdef", key: "faasboxTencentSecretKey0123456789" };
const hash = (...values: Array<string | undefined>) => createHash("sha256").update(values.map((v) => v ?? "").join("\n")).digest("hex");
const SECRETS = [AWS.secret, AWS.token, TENCENT.key];

/** A home folder with no ~/.aws and no ~/.tencentcloud: only what a test gives counts. */
function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), "faasbox-home-"));
}

describe("functions get the user's credentials as their cloud's role keys", () => {
  let emulator: Engine;
  const logs: LogRecord[] = [];

  before(async () => {
    await requireDocker();
    emulator = await startEmulator("identity", {
      executor: "docker",
      credentials: {
        env: { AWS_ACCESS_KEY_ID: AWS.id, AWS_SECRET_ACCESS_KEY: AWS.secret, AWS_SESSION_TOKEN: AWS.token, TENCENTCLOUD_SECRET_ID: TENCENT.id, TENCENTCLOUD_SECRET_KEY: TENCENT.key },
        homeDir: emptyHome(),
      },
    });
    emulator.logBus.subscribe((record) => logs.push(record));
  });
  after(() => emulator.shutdown());

  test("AWS functions (Node and Python) get AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN, SCF functions TENCENTCLOUD_SECRETID/SECRETKEY", async () => {
    const aws = await emulator.invoke("creds-aws", {});
    assert.equal(aws.ok, true, JSON.stringify(aws.error));
    assert.equal((aws.result as { aws: string }).aws, hash(AWS.id, AWS.secret, AWS.token));
    assert.equal((aws.result as { scf: string | null }).scf, null, "an AWS function does not get the Tencent keys");
    assert.match((aws.result as { traceId: string }).traceId, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/, "each invocation sets _X_AMZN_TRACE_ID");

    const python = await emulator.invoke("creds-aws-python", {});
    assert.equal(python.ok, true, JSON.stringify(python.error));
    assert.equal((python.result as { aws: string }).aws, hash(AWS.id, AWS.secret, AWS.token));
    assert.match((python.result as { traceId: string }).traceId, /^Root=1-/);

    const scf = await emulator.invoke("creds-scf", {});
    assert.equal(scf.ok, true, JSON.stringify(scf.error));
    assert.equal((scf.result as { scf: string }).scf, hash(TENCENT.id, TENCENT.key, undefined));
    assert.equal((scf.result as { aws: string | null }).aws, null, "an SCF function does not get the AWS keys");
  });

  test("a function's own AWS_ACCESS_KEY_ID (a local fake's keys) wins over the user's", async () => {
    const own = await emulator.invoke("creds-aws-own-keys", {});
    assert.equal((own.result as { awsKeyId: string }).awsKeyId, "test");
  });

  test("the summary names where the keys came from, with the key id masked and no secret", () => {
    const summary = emulator.credentials.summary.join("\n");
    assert.match(summary, /AWS credentials: AKIA\*\*\*\*2345 from the environment \(AWS_ACCESS_KEY_ID\)/);
    assert.match(summary, /Tencent Cloud credentials: AKID\*\*\*\*cdef from TENCENTCLOUD_SECRET_ID/);
    for (const secret of [...SECRETS, AWS.id, TENCENT.id]) assert.ok(!summary.includes(secret));
  });

  test("no secret appears in any log line", () => {
    assert.ok(logs.length > 0);
    for (const record of logs) for (const secret of SECRETS) assert.ok(!record.text.includes(secret), `a log line holds a secret: ${record.text}`);
  });
});

describe("--no-credentials and --profile", () => {
  test("with credentials off, functions get none even when the environment has keys", async () => {
    await requireDocker();
    const emulator = await startEmulator("identity", {
      executor: "docker",
      credentials: { disabled: true, env: { AWS_ACCESS_KEY_ID: AWS.id, AWS_SECRET_ACCESS_KEY: AWS.secret }, homeDir: emptyHome() },
    });
    try {
      const result = await emulator.invoke("creds-aws", {});
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.equal((result.result as { aws: string | null }).aws, null);
      assert.match(emulator.credentials.summary.join("\n"), /none given to functions \(--no-credentials\)/);
    } finally {
      await emulator.shutdown();
    }
  });

  test("a named profile of ~/.aws/credentials, with its session token, beats the environment's keys", async () => {
    await requireDocker();
    const home = emptyHome();
    mkdirSync(join(home, ".aws"));
    writeFileSync(join(home, ".aws", "credentials"), `[work]\naws_access_key_id = AKIAPROFILEWORK12345\naws_secret_access_key = profileSecret\naws_session_token = profileToken\n`);
    const emulator = await startEmulator("identity", {
      executor: "docker",
      credentials: { profile: "work", env: { AWS_ACCESS_KEY_ID: AWS.id, AWS_SECRET_ACCESS_KEY: AWS.secret }, homeDir: home },
    });
    try {
      const result = await emulator.invoke("creds-aws", {});
      assert.equal((result.result as { aws: string }).aws, hash("AKIAPROFILEWORK12345", "profileSecret", "profileToken"));
      assert.match(emulator.credentials.summary[0], /AKIA\*\*\*\*2345 from profile work/);
    } finally {
      await emulator.shutdown();
    }
  });
});

describe("faasbox start with credentials in the environment", () => {
  let root: string;
  let server: ChildProcess;
  let output = "";

  before(async () => {
    await requireDocker();
    root = copyFixture("identity");
    // HOME stays (it holds the user's Faasbox settings); the AWS files point nowhere.
    const nowhere = join(emptyHome(), "none");
    const env = { ...process.env, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_CONFIG_FILE: nowhere, AWS_ACCESS_KEY_ID: AWS.id, AWS_SECRET_ACCESS_KEY: AWS.secret, AWS_SESSION_TOKEN: AWS.token, AWS_PROFILE: "", TENCENTCLOUD_SECRET_ID: TENCENT.id, TENCENTCLOUD_SECRET_KEY: TENCENT.key };
    server = spawn(process.execPath, [CLI, "start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    await waitFor(() => output.includes("control API:"), `faasbox start to come up:\n${output}`, 30_000);
  });
  after(() => {
    if (server.exitCode === null) server.kill("SIGTERM");
  });

  test("start says where the credentials came from; the function gets them; no secret is printed", async () => {
    assert.match(output, /AWS credentials: AKIA\*\*\*\*2345 from the environment/);
    assert.match(output, /Tencent Cloud credentials: AKID\*\*\*\*cdef from TENCENTCLOUD_SECRET_ID/);
    const invoked = await runCliAsync(["invoke", "creds-aws", "--project", root]);
    assert.equal(invoked.status, 0, invoked.stderr);
    assert.ok(invoked.stdout.includes(hash(AWS.id, AWS.secret, AWS.token)), invoked.stdout);
    await waitFor(() => output.includes("REPORT RequestId"), "the invocation's log lines in start's output");
    for (const secret of SECRETS) {
      assert.ok(!output.includes(secret), "faasbox start printed a secret");
      assert.ok(!invoked.stdout.includes(secret) && !invoked.stderr.includes(secret), "faasbox invoke printed a secret");
    }
  });
});

describe("Node.js callback-era handlers end as the clouds end them", () => {
  let emulator: Engine;
  before(async () => {
    await requireDocker();
    emulator = await startEmulator("identity", { executor: "docker", credentials: { disabled: true } });
  });
  after(() => emulator.shutdown());

  test("a 2-argument handler calling context.done from a timer returns that value (AWS and SCF)", async () => {
    for (const name of ["done-later", "done-later-scf"]) {
      const result = await emulator.invoke(name, { n: 1 });
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual(result.result, { late: true, echo: { n: 1 } }, name);
    }
  });

  test("context.succeed and context.fail answer from a timer", async () => {
    assert.deepEqual((await emulator.invoke("succeed-fail", {})).result, { succeeded: true });
    const failed = await emulator.invoke("succeed-fail", { fail: true });
    assert.equal(failed.ok, false);
    assert.match(JSON.stringify(failed.error), /asked to fail/);
  });

  test("the callback's answer waits for the event loop to empty: the later timer's line is in the same invocation", async () => {
    const result = await emulator.invoke("callback-waits", {});
    assert.deepEqual(result.result, { answered: true });
    const texts = result.logs.map((r) => messageOf(r.text));
    assert.ok(texts.includes("the last timer ran"), texts.join("\n"));
    assert.ok(texts.indexOf("the last timer ran") < texts.findIndex((t) => t.startsWith("END RequestId")));
  });

  test("a handler that never answers ends when its timers are done, with a null result", async () => {
    const result = await emulator.invoke("returns-nothing", { x: 1 });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.result, null);
    assert.ok(result.logs.some((r) => messageOf(r.text) === 'still running {"x":1}'), result.logs.map((r) => r.text).join("\n"));
  });
});

describe("SCF's documented context fields, in Node.js and Python", () => {
  let emulator: Engine;
  before(async () => {
    await requireDocker();
    emulator = await startEmulator("identity", { executor: "docker", credentials: { disabled: true } });
  });
  after(() => emulator.shutdown());

  for (const name of ["context-scf-node", "context-scf-python"]) {
    test(`${name}: request_id, function_name, version, memory, time limit, namespace, region, appid, uin, environ`, async () => {
      const result = await emulator.invoke(name, {});
      assert.equal(result.ok, true, JSON.stringify(result.error));
      const context = result.result as Record<string, unknown>;
      assert.equal(context.request_id, result.requestId);
      assert.equal(context.function_name, name);
      assert.equal(context.function_version, "$LATEST");
      assert.equal(context.memory_limit_in_mb, 128);
      assert.equal(context.time_limit_in_ms, 3000);
      assert.equal(context.namespace, "default");
      assert.match(String(context.tencentcloud_region), /^ap-/);
      assert.match(String(context.tencentcloud_appid), /^\d+$/);
      assert.match(String(context.tencentcloud_uin), /^\d+$/);
      assert.ok((context.remaining as number) > 0 && (context.remaining as number) <= 3000);
      const environ = Object.fromEntries(String(context.environ).split(";").map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
      assert.equal(environ.COLOR, "blue");
      assert.equal(environ.SCF_FUNCTIONNAME, name);
      assert.equal(environ.FAASBOX_DIALECT, undefined, "Faasbox's own variables stay out");
    });
  }

  test("a Python AWS function's context carries the one local account id in its ARN", async () => {
    const result = await emulator.invoke("context-aws-python", {});
    const context = result.result as Record<string, unknown>;
    assert.match(String(context.invoked_function_arn), /^arn:aws:lambda:[a-z0-9-]+:123456789012:function:context-aws-python$/);
    assert.equal(context.attr_request_id, result.requestId);
  });
});
