// AWS's own Node.js runtime interface client (npm aws-lambda-ric), unchanged, against the
// emulator's Lambda Runtime API: third-party runtimes must work without knowing Faasbox.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, cpSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { resolveImages } from "../../emulator/config/images";
import { Engine } from "../../emulator/core/engine";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { copyFixture } from "../helpers/emulator";

/** The client as `npm run setup` built it (it has a native part, compiled once per machine). */
function builtRuntimeClient(): string {
  const dir = join(process.env.FAASBOX_CACHE ?? join(homedir(), ".cache", "faasbox"), "runtime-client", "node_modules", "aws-lambda-ric");
  assert.ok(existsSync(join(dir, "package.json")), `no aws-lambda-ric in ${dir}: run 'npm run setup', which builds it`);
  return dir;
}

for (const executor of ["docker", "process"] as const) {
  describe(`the official Node.js runtime interface client (${executor} executor)`, () => {
    let emulator: Engine;
    before(async () => {
      if (executor === "docker") await requireDocker();
      const root = copyFixture("runtime-client");
      // Only what runs: the client's bundled C sources and build tree stay behind.
      cpSync(builtRuntimeClient(), join(root, "node_modules", "aws-lambda-ric"), {
        recursive: true,
        filter: (path) => !/[\\/]aws-lambda-ric[\\/](deps|src)([\\/]|$)/.test(path),
      });
      // A custom runtime runs in the custom image, which has no node: use the Node.js image.
      appendFileSync(join(root, "faasbox.yml"), `images:\n  custom: ${JSON.stringify(resolveImages().nodejs.image)}\n`);
      emulator = await Engine.create({ root, watch: false, executor });
      assert.deepEqual(emulator.problems, []);
    });
    after(() => emulator?.shutdown());

    test("it gets the event and a context built from the Runtime API's headers, and its result comes back", async () => {
      const result = await emulator.invoke("ric-echo", { from: "aws-lambda-ric" });
      assert.equal(result.ok, true, JSON.stringify(result.error));
      const body = result.result as Record<string, any>;
      assert.deepEqual(body.event, { from: "aws-lambda-ric" });
      assert.equal(body.requestId, result.requestId, "Lambda-Runtime-Aws-Request-Id");
      assert.equal(body.functionName, "ric-echo");
      assert.equal(body.memoryLimitInMB, "128");
      assert.match(body.invokedFunctionArn, /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:ric-echo$/, "Lambda-Runtime-Invoked-Function-Arn");
      assert.ok(body.remaining > 0 && body.remaining <= 5000, `Lambda-Runtime-Deadline-Ms gives ${body.remaining} ms left of 5000`);
      assert.ok(result.logs.some((r) => r.text.includes(`echo handling ${result.requestId}`)), result.logs.map((r) => r.text).join("\n"));

      const warm = await emulator.invoke("ric-echo", { n: 2 }, { clientContext: JSON.stringify({ custom: { a: 1 } }) });
      assert.equal(warm.timings.cold, false, "the client's loop takes the next invocation on the same instance");
      assert.deepEqual((warm.result as Record<string, any>).clientContext?.custom, { a: 1 }, "Lambda-Runtime-Client-Context");
    });

    test("a handler's error goes through /error in the client's shape, and the instance stays warm", async () => {
      const failed = await emulator.invoke("ric-fails", {});
      assert.equal(failed.ok, false);
      assert.equal(failed.errorKind, "function");
      assert.equal(failed.error?.errorType, "ValidationError");
      assert.equal(failed.error?.errorMessage, "refused by the handler");
      assert.ok(failed.error?.stackTrace?.some((line) => line.includes("app.js")), JSON.stringify(failed.error));
      const again = await emulator.invoke("ric-fails", {});
      assert.equal(again.timings.cold, false);
    });
  });
}

test("no container is left once the emulators have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
