// Failures keep the clouds' shape: errors thrown, init errors, timeouts, OOM, exits.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../emulator/core/engine";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { startEmulator } from "../helpers/emulator";
import { messageOf } from "../helpers/logLines";

for (const executor of ["docker", "process"] as const) {
  describe(`errors (${executor} executor)`, () => {
    let emulator: Engine;
    before(async () => {
      if (executor === "docker") await requireDocker();
      emulator = await startEmulator("runtime", { executor });
    });
    after(() => emulator.shutdown());

    test("a thrown Node error comes back as errorType, errorMessage and stackTrace, with the logs before it", async () => {
      const result = await emulator.invoke("node-throw", {});
      assert.equal(result.ok, false);
      assert.equal(result.errorKind, "function");
      assert.equal(result.error?.errorType, "ValidationError");
      assert.equal(result.error?.errorMessage, "name is required");
      assert.ok(result.error?.stackTrace?.some((line) => /errors\.js:\d+/.test(line)), JSON.stringify(result.error?.stackTrace));
      assert.ok(result.logs.some((r) => messageOf(r.text) === "about to fail"));
      // The instance survives a handled error and serves the next invocation warm.
      const again = await emulator.invoke("node-throw", {});
      assert.equal(again.timings.cold, false);
    });

    test("a raised Python exception keeps its type, message and traceback", async () => {
      const result = await emulator.invoke("python-raise", {});
      assert.equal(result.ok, false);
      assert.equal(result.error?.errorType, "QuotaError");
      assert.equal(result.error?.errorMessage, "quota exhausted");
      assert.ok(result.error?.stackTrace?.some((line) => line.includes("app.py")), JSON.stringify(result.error));
    });

    test("a handler that is not exported is an init error naming it", async () => {
      const node = await emulator.invoke("node-not-exported", {});
      assert.equal(node.errorKind, "init");
      assert.equal(node.error?.errorType, "Runtime.HandlerNotFound");
      assert.match(node.error!.errorMessage, /errors\.missing is undefined or not exported/);
      const python = await emulator.invoke("python-not-exported", {});
      assert.equal(python.errorKind, "init");
      assert.equal(python.error?.errorType, "Runtime.HandlerNotFound");
      assert.match(python.error!.errorMessage, /Handler 'missing' missing on module 'app'/);
    });

    test("a syntax error in the handler's module is an init error with the file", async () => {
      const result = await emulator.invoke("node-syntax", {});
      assert.equal(result.errorKind, "init");
      assert.equal(result.error?.errorType, "Runtime.UserCodeSyntaxError");
      assert.ok(JSON.stringify(result.error).includes("bad.js"), JSON.stringify(result.error));
    });

    test("at the timeout the invocation fails with the cloud's timeout error and the instance is replaced", async () => {
      const result = await emulator.invoke("node-timeout", {});
      assert.equal(result.errorKind, "timeout");
      assert.equal(result.error?.errorType, "Sandbox.Timedout");
      assert.match(result.error!.errorMessage, /Task timed out after 1\.00 seconds/);
      assert.ok(result.timings.durationMs >= 1000, `a timed-out invocation lasts its whole timeout, got ${result.timings.durationMs} ms`);
      assert.equal(result.timings.billedMs, Math.ceil(result.timings.durationMs), "billed in 1 ms steps");
      assert.match(result.logs.at(-1)!.text, /Status: timeout/);
      // A fresh instance: started for the call (cold), or the function's standby, made before it and never given an event.
      const standby = emulator.instances("node-timeout").find((i) => i.standby && i.invocations === 0)?.id;
      const next = await emulator.invoke("node-timeout", {});
      assert.notEqual(next.instanceId, result.instanceId, "a timed-out instance is not reused");
      assert.ok(next.timings.cold || (standby !== undefined && next.instanceId === standby), `cold, or run on the standby ${standby}: ${JSON.stringify(next.timings)} on ${next.instanceId}`);
    });

    test("a response over 6 MB fails with the cloud's error, and the same warm instance serves the next invocation", async () => {
      const huge = await emulator.invoke("node-sized", { bytes: 7 * 1024 * 1024 });
      assert.equal(huge.error?.errorType, "Function.ResponseSizeTooLarge");
      const small = await emulator.invoke("node-sized", { bytes: 3 });
      assert.equal(small.ok, true, JSON.stringify(small.error));
      assert.equal(small.result, "xxx");
      assert.equal(small.instanceId, huge.instanceId);
      assert.equal(small.timings.cold, false);
    });

    test("a Node result JSON cannot hold is the runtime's error, in each runtime's words, and the same warm instance serves on", async () => {
      // nodejs20.x: Lambda's Node.js runtime interface client v3 throws a plain Error.
      const circular = await emulator.invoke("node-unserialisable", { kind: "circular" });
      assert.equal(circular.errorKind, "function", JSON.stringify(circular.error));
      assert.equal(circular.error?.errorType, "Error");
      assert.equal(circular.error?.errorMessage, "Unable to stringify response body");
      assert.ok(circular.error?.stackTrace?.some((line) => line.includes("Converting circular structure to JSON")), JSON.stringify(circular.error));
      const bigint = await emulator.invoke("node-unserialisable", { kind: "bigint" });
      assert.equal(bigint.error?.errorMessage, "Unable to stringify response body");
      const fine = await emulator.invoke("node-unserialisable", {});
      assert.deepEqual(fine.result, { ok: true }, JSON.stringify(fine.error));
      for (const later of [bigint, fine]) {
        assert.equal(later.instanceId, circular.instanceId, "the instance is kept");
        assert.equal(later.timings.cold, false);
      }
      // nodejs24.x: client v4 names the error.
      const v4 = await emulator.invoke("node24-unserialisable", { kind: "circular" });
      assert.equal(v4.error?.errorType, "Runtime.JSONStringifyError");
      assert.equal(v4.error?.errorMessage, "Unable to stringify response body");
      // SCF documents nothing here: the same error, saying why.
      const scf = await emulator.invoke("node-unserialisable-scf", { kind: "circular" });
      assert.equal(scf.errorKind, "function");
      assert.equal(scf.error?.errorType, "Runtime.JSONStringifyError");
      assert.match(scf.error!.errorMessage, /^Unable to stringify response body: TypeError: Converting circular structure to JSON/);
      const scfAgain = await emulator.invoke("node-unserialisable-scf", {});
      assert.deepEqual(scfAgain.result, { ok: true });
      assert.equal(scfAgain.instanceId, scf.instanceId);
    });

    test("a Python result json cannot dump is Runtime.MarshalError, whatever json raised, and the same warm instance serves on", async () => {
      const expected = {
        set: /^Unable to marshal response: Object of type set is not JSON serializable$/,
        datetime: /^Unable to marshal response: Object of type datetime is not JSON serializable$/,
        object: /^Unable to marshal response: Object of type object is not JSON serializable$/,
        // A RecursionError, not a TypeError: Lambda's runtime client catches every exception.
        deep: /^Unable to marshal response: maximum recursion depth exceeded/,
      };
      let instanceId: string | undefined;
      for (const [kind, message] of Object.entries(expected)) {
        const result = await emulator.invoke("python-unserialisable", { kind });
        assert.equal(result.errorKind, "function", `${kind}: ${JSON.stringify(result.error)}`);
        assert.equal(result.error?.errorType, "Runtime.MarshalError");
        assert.match(result.error!.errorMessage, message);
        instanceId ??= result.instanceId;
        assert.equal(result.instanceId, instanceId, `${kind}: the instance is kept`);
      }
      const fine = await emulator.invoke("python-unserialisable", {});
      assert.deepEqual(fine.result, { ok: true }, JSON.stringify(fine.error));
      assert.equal(fine.instanceId, instanceId);
      assert.equal(fine.timings.cold, false);
    });

    test("an invocation waiting behind one that crashes or times out runs on a fresh instance", async () => {
      for (const failing of [{ exit: true }, { sleep: true }]) {
        const [first, waiting] = await Promise.all([emulator.invoke("node-one-at-a-time", failing), emulator.invoke("node-one-at-a-time", { n: 2 })]);
        assert.equal(first.errorKind, failing.exit ? "exit" : "timeout");
        assert.equal(waiting.ok, true, `the waiting invocation failed: ${JSON.stringify(waiting.error)}`);
        assert.deepEqual(waiting.result, { n: 2 });
        assert.notEqual(waiting.instanceId, first.instanceId);
      }
    });

    test("process.exit during an invocation is reported as the runtime exiting", async () => {
      const result = await emulator.invoke("node-exit", {});
      assert.equal(result.errorKind, "exit");
      assert.equal(result.error?.errorType, "Runtime.ExitError");
      assert.match(result.error!.errorMessage, /Runtime exited with error: exit status 3/);
      assert.ok(result.logs.some((r) => messageOf(r.text) === "exiting on purpose"));
      const next = await emulator.invoke("node-exit", {});
      assert.equal(next.timings.cold, true);
    });

    if (executor === "docker") {
      test("going over the memory limit is an out-of-memory error, and Max Memory Used is measured", async () => {
        const result = await emulator.invoke("node-oom", {});
        assert.equal(result.errorKind, "oom", JSON.stringify(result));
        assert.equal(result.error?.errorType, "Runtime.OutOfMemory");
        assert.match(result.error!.errorMessage, /memory limit of 128 MB exceeded/);
        const ok = await emulator.invoke("node-cjs", {});
        assert.ok(ok.memory.maxUsedMb! > 5 && ok.memory.maxUsedMb! <= 128, String(ok.memory.maxUsedMb));
      });
    }

    test("an unknown function is an error that lists the functions", async () => {
      await assert.rejects(emulator.invoke("nope", {}), /no function named "nope" .*functions: node-cjs, /);
    });
  });
}

test("no container is left once the emulators have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
