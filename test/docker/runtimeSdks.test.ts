// What Lambda's runtimes bundle is there in a real container, read-only, with nothing vendored: the AWS SDK for
// JavaScript v3 (CommonJS and ES modules) and boto3, signing real requests to a DynamoDB endpoint served here;
// a function's own copy wins; a client outside the set installed at setup is installed at launch.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../emulator/core/engine";
import { requireDocker } from "../helpers/docker";
import { startEmulator } from "../helpers/emulator";
import { startFakeDynamoDb } from "../helpers/fakeClouds/fakeDynamoDb";

const KEYS = new Map([["AKIDFAASBOXLOCAL", "faasbox-local-secret"]]);

for (const transfer of ["mount", "copy"] as const) {
  describe(`runtime-bundled SDKs (${transfer})`, () => {
    let emulator: Engine;
    let dynamo: Awaited<ReturnType<typeof startFakeDynamoDb>>;
    let saved: string | undefined;

    before(async () => {
      await requireDocker();
      saved = process.env.FAASBOX_CODE_TRANSFER;
      process.env.FAASBOX_CODE_TRANSFER = transfer;
      dynamo = await startFakeDynamoDb(KEYS);
      emulator = await startEmulator("runtime-sdks", { executor: "docker" });
    });
    after(async () => {
      await emulator?.shutdown();
      await dynamo?.close();
      if (saved === undefined) delete process.env.FAASBOX_CODE_TRANSFER;
      else process.env.FAASBOX_CODE_TRANSFER = saved;
    });

    const lastCall = () => dynamo.calls.at(-1);

    test("a CommonJS function puts an item with the bundled @aws-sdk/client-dynamodb, which it cannot change", async () => {
      const result = await emulator.invoke("NodeCommonJs", { endpoint: dynamo.url });
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual(result.result, { sdkPath: "/var/runtime/node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js", write: "EROFS" });
      assert.deepEqual(lastCall(), {
        operation: "PutItem",
        accessKeyId: "AKIDFAASBOXLOCAL",
        region: process.env.AWS_REGION || "us-east-1",
        body: { TableName: "Notes", Item: { id: { S: "n1" }, text: { S: "from node" } } },
      });
    });

    test("an .mjs function imports the bundled client as an ES module", async () => {
      const result = await emulator.invoke("NodeEsModule", { endpoint: dynamo.url });
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.match((result.result as { sdkPath: string }).sdkPath, /^file:\/\/\/var\/runtime\/node_modules\/@aws-sdk\/client-dynamodb\//);
      assert.deepEqual(lastCall()?.body, { TableName: "Notes", Item: { id: { S: "n2" }, text: { S: "from esm" } } });
    });

    test("a Python function puts an item with the bundled boto3, which it cannot change", async () => {
      const result = await emulator.invoke("PythonBoto3", { endpoint: dynamo.url });
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual(result.result, { sdkPath: "/var/runtime/boto3/__init__.py", write: "Read-only file system" });
      assert.deepEqual(lastCall(), {
        operation: "PutItem",
        accessKeyId: "AKIDFAASBOXLOCAL",
        region: process.env.AWS_REGION || "us-east-1",
        body: { TableName: "Notes", Item: { id: { S: "n3" }, text: { S: "from python" } } },
      });
    });

    test("a function's own copy of the SDK wins over the runtime's, in Node.js and Python", async () => {
      for (const name of ["NodeVendored", "PythonVendored"]) {
        const result = await emulator.invoke(name, {});
        assert.equal(result.ok, true, `${name}: ${JSON.stringify(result.error)}`);
        assert.deepEqual(result.result, { whose: "the function's own copy" }, name);
      }
    });

    test("a client outside the set installed at setup is there too, installed into the cache at launch", async () => {
      const result = await emulator.invoke("NodeOtherClient", {});
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual(result.result, { client: "function", sdkPath: "/var/runtime/node_modules/@aws-sdk/client-pricing/dist-cjs/index.js" });
    });
  });
}
