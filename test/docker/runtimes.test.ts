// The Node.js, Python and custom (curl) runtimes in both dialects, on both executors.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../emulator/core/engine";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { startEmulator } from "../helpers/emulator";
import { messageOf } from "../helpers/logLines";

for (const executor of ["docker", "process"] as const) {
  describe(`runtimes (${executor} executor)`, () => {
    let emulator: Engine;
    const codeRoot = (dialect: "aws" | "scf", dir: string) => (executor === "docker" ? (dialect === "aws" ? "/var/task" : "/var/user") : `${emulator.root}/${dir}`);

    before(async () => {
      if (executor === "docker") await requireDocker();
      emulator = await startEmulator("runtime", { executor });
    });
    after(() => emulator.shutdown());

    test("a CommonJS async handler gets the event, both dialects' context fields and the Lambda environment", async () => {
      const result = await emulator.invoke("node-cjs", { hello: "world" });
      assert.equal(result.ok, true, JSON.stringify(result.error));
      const body = result.result as Record<string, any>;
      assert.deepEqual(body.event, { hello: "world" });
      assert.equal(body.context.awsRequestId, result.requestId);
      assert.equal(body.context.request_id, result.requestId);
      assert.equal(body.context.functionName, "node-cjs");
      assert.equal(body.context.function_name, "node-cjs");
      assert.equal(body.context.memoryLimitInMB, "128");
      assert.equal(body.context.memory_limit_in_mb, 128);
      assert.equal(body.context.time_limit_in_ms, 3000);
      assert.match(body.context.invokedFunctionArn, /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:node-cjs$/);
      assert.equal(body.context.logGroupName, "/aws/lambda/node-cjs");
      assert.ok(body.context.remaining > 0 && body.context.remaining <= 3000);
      assert.equal(body.context.environmentIsJson, true);
      assert.equal(body.env.AWS_LAMBDA_FUNCTION_NAME, "node-cjs");
      assert.equal(body.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, "128");
      assert.equal(body.env._HANDLER, "cjs.handler");
      assert.equal(body.env.LAMBDA_TASK_ROOT, codeRoot("aws", "node"));
      assert.equal(body.env.GREETING, "hello-aws");
      assert.equal(body.env.SCF_FUNCTIONNAME, undefined, "AWS functions do not see SCF variables");
      assert.equal(body.cwd, codeRoot("aws", "node"));
      // Never root, and a uid no other instance or user has: its runtime API admits only that uid.
      if (executor === "docker") assert.ok(body.uid >= 1_000_000_000, `containers run as an unprivileged uid of their own, got ${body.uid}`);
    });

    test("an SCF Node function sees SCF's environment and code root", async () => {
      const result = await emulator.invoke("node-cjs-scf", {});
      assert.equal(result.ok, true, JSON.stringify(result.error));
      const body = result.result as Record<string, any>;
      assert.equal(body.env.SCF_FUNCTIONNAME, "node-cjs-scf");
      assert.equal(body.env.SCF_NAMESPACE, "default");
      assert.ok(body.env.TENCENTCLOUD_REGION);
      assert.equal(body.env.USER_CODE_ROOT, codeRoot("scf", "node"));
      assert.equal(body.env.GREETING, "hello-scf");
      assert.equal(body.env.AWS_LAMBDA_FUNCTION_NAME, undefined, "SCF functions do not see Lambda variables");
      assert.equal(body.context.function_name, "node-cjs-scf");
      assert.equal(body.cwd, codeRoot("scf", "node"));
    });

    test("console output becomes log records of the request, between START and END/REPORT", async () => {
      const result = await emulator.invoke("node-cjs", { n: 1 });
      const texts = result.logs.map((r) => `${r.stream}:${messageOf(r.text)}`);
      assert.match(texts[0], /^system:START RequestId: [0-9a-f-]+ Version: \$LATEST$/);
      assert.ok(texts.includes('stdout:cjs handler got {"n":1}'), texts.join("\n"));
      assert.ok(texts.includes("stderr:a line on stderr"), texts.join("\n"));
      assert.match(texts.at(-2)!, /^system:END RequestId: /);
      assert.match(texts.at(-1)!, /^system:REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/);
      assert.ok(result.logs.every((r) => r.requestId === result.requestId && r.function === "node-cjs"));
    });

    test("ES module, callback, synchronous and nested-export handlers", async () => {
      assert.deepEqual((await emulator.invoke("node-esm", { a: 1 })).result, { style: "esm", echo: { a: 1 } });
      assert.deepEqual((await emulator.invoke("node-callback", { b: 2 })).result, { style: "callback", echo: { b: 2 } });
      assert.deepEqual((await emulator.invoke("node-sync", { c: 3 })).result, { style: "sync", echo: { c: 3 } });
      assert.deepEqual((await emulator.invoke("node-nested", { name: "n" })).result, { style: "nested", hello: "n" });
    });

    test("the second invocation reuses the warm instance; only the first is cold with an init duration", async () => {
      const first = await emulator.invoke("node-esm", {});
      const second = await emulator.invoke("node-esm", {});
      assert.equal(second.timings.cold, false);
      assert.equal(second.instanceId, first.instanceId);
      assert.equal(second.timings.initMs, undefined);
      const fresh = await emulator.invoke("python-package", {});
      assert.equal(fresh.timings.cold, true);
      assert.ok((fresh.timings.initMs ?? 0) > 0);
      assert.match(fresh.logs.at(-1)!.text, /Init Duration: [\d.]+ ms/);
    });

    test("a Python handler gets the event and a context usable as attributes (AWS) and as a dict (SCF)", async () => {
      const aws = await emulator.invoke("python-aws", { py: true });
      assert.equal(aws.ok, true, JSON.stringify(aws.error));
      const body = aws.result as Record<string, any>;
      assert.deepEqual(body.event, { py: true });
      assert.equal(body.context.aws_request_id, aws.requestId);
      assert.equal(body.context.request_id, aws.requestId);
      assert.equal(body.context.function_name, "python-aws");
      assert.equal(body.context.memory_limit_in_mb, "128");
      assert.ok(body.context.remaining > 0);
      assert.equal(body.env.PYTHONUNBUFFERED, "1");
      assert.equal(body.env.LAMBDA_TASK_ROOT, codeRoot("aws", "python"));
      const texts = aws.logs.map((r) => `${r.stream}:${r.text}`);
      assert.ok(texts.includes('stdout:python handler got {"py": true}'), texts.join("\n"));
      assert.ok(texts.includes("stderr:a line on stderr"), texts.join("\n"));

      const scf = await emulator.invoke("python-scf", {});
      const scfBody = scf.result as Record<string, any>;
      assert.equal(scfBody.context.memory_limit_in_mb, 128);
      assert.equal(scfBody.env.SCF_FUNCTIONNAME, "python-scf");
      assert.equal(scfBody.env.USER_CODE_ROOT, codeRoot("scf", "python"));
      assert.match(scf.logs[0].text, /^START RequestId:/);
      assert.match(scf.logs.at(-1)!.text, /^Report RequestId:\S+ Duration:[\d.]+ms Billed Duration:\d+ms Memory Size:128MB/);
    });

    test("a Python handler inside a package", async () => {
      assert.deepEqual((await emulator.invoke("python-package", { p: 1 })).result, { style: "package", echo: { p: 1 } });
    });

    test("a custom runtime whose bootstrap speaks the Lambda Runtime API with curl works unchanged", async () => {
      const result = await emulator.invoke("custom-aws", { via: "curl" });
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.deepEqual(result.result, { runtime: "curl-aws", handler: "function.handler", event: { via: "curl" } });
      const again = await emulator.invoke("custom-aws", { n: 2 });
      assert.equal(again.timings.cold, false);
      assert.ok(again.logs.some((r) => r.text === `custom runtime handling ${again.requestId}`), again.logs.map((r) => r.text).join("\n"));
    });

    test("a custom runtime whose bootstrap speaks SCF's custom-runtime API with curl works unchanged", async () => {
      const result = await emulator.invoke("custom-scf", { via: "curl" });
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.deepEqual(result.result, { runtime: "curl-scf", request: result.requestId, event: { via: "curl" } });
    });
  });
}

test("no container is left once the emulators have shut down", async () => {
  const docker = await requireDocker();
  const left = await leftoverContainers(docker);
  assert.deepEqual(left.map((c) => c.Names), []);
});
