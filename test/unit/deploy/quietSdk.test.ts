// The AWS SDK's notice about the Node.js version (VS Code's own, not the user's choice)
// does not reach the process's warnings, and the opt-out does not outlive our clients.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createLambdaClient } from "../../../emulator/deploy/lambdaClient";

test("building a Lambda client emits no Node.js version warning, and leaves the environment as it was", async () => {
  const warnings: string[] = [];
  const listen = (warning: Error) => warnings.push(warning.message);
  process.on("warning", listen);
  try {
    createLambdaClient("us-east-1", { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }).destroy();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off("warning", listen);
  }
  assert.deepEqual(warnings.filter((w) => /NodeVersionSupportWarning|AWS SDK for JavaScript/.test(w)), []);
  assert.equal(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, undefined);
});
