// Which bundle a function's runtime has, where its runtime looks for it, and which SDK packages its code names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundledSdkFor } from "../../../emulator/core/sdks/bundledSdks";
import { bundledSdkEnv } from "../../../emulator/core/sdks/bundledSdkEnv";
import { mentionedPackages } from "../../../emulator/core/sdks/sdkImports";
import type { FunctionSpec } from "../../../emulator/project/spec";

const spec = (runtime: string, family: FunctionSpec["family"], dialect: FunctionSpec["dialect"] = "aws") => ({ runtime, family, dialect }) as FunctionSpec;

test("Lambda's Node.js 18+ runtimes have SDK v3, nodejs16.x v2, Python boto3; SCF's and image functions nothing", () => {
  assert.match(bundledSdkFor(spec("nodejs20.x", "nodejs"), "/c")!.hostDir, /^\/c\/nodejs-aws-sdk-v3-[\d.]+\/node_modules$/);
  assert.deepEqual(bundledSdkFor(spec("nodejs16.x", "nodejs"), "/c")!.npm!.always, ["aws-sdk"]);
  assert.equal(bundledSdkFor(spec("python3.12", "python"), "/c")!.target, "/var/runtime");
  assert.equal(bundledSdkFor(spec("Nodejs18.15", "nodejs", "scf"), "/c"), undefined);
  assert.equal(bundledSdkFor({ ...spec("nodejs20.x", "nodejs"), container: {} } as FunctionSpec, "/c"), undefined);
});

test("NODE_PATH and PYTHONPATH put the runtime's folders after the layers', only where the executor provides them", () => {
  assert.deepEqual(bundledSdkEnv(spec("nodejs20.x", "nodejs"), {}, "/var/task", "/opt", "/var/runtime"), {
    NODE_PATH: "/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task",
  });
  assert.deepEqual(bundledSdkEnv(spec("python3.11", "python"), { PYTHONPATH: "/opt/python" }, "/var/task", "/opt", "/var/runtime"), { PYTHONPATH: "/opt/python:/var/runtime" });
  assert.deepEqual(bundledSdkEnv(spec("nodejs20.x", "nodejs"), {}, "/var/task", "/opt", undefined), {});
});

test("a scan finds the @aws-sdk packages the code names, not those inside node_modules", () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-scan-"));
  writeFileSync(join(dir, "a.mjs"), "import { S3Client } from '@aws-sdk/client-s3';\nimport x from \"@aws-sdk/lib-dynamodb/dist-cjs/x.js\";");
  mkdirSync(join(dir, "node_modules", "dep"), { recursive: true });
  writeFileSync(join(dir, "node_modules", "dep", "index.js"), "require('@aws-sdk/client-athena')");
  assert.deepEqual([...mentionedPackages(dir, bundledSdkFor(spec("nodejs20.x", "nodejs"), "/c")!.npm!.pattern)].sort(), ["@aws-sdk/client-s3", "@aws-sdk/lib-dynamodb"]);
});
