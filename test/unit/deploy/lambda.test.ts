import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLambdaProvider, type LambdaProviderOptions } from "../../../emulator/deploy/lambda";
import { packageFunction } from "../../../emulator/deploy/package";
import { DeployError } from "../../../emulator/deploy/errors";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_ROLE, AWS_TEST_SECRET_ACCESS_KEY, FakeLambda } from "../../helpers/fakeClouds/fakeLambda";
import { FAST, specFor, writeTree } from "./deployTestKit";

let fake: FakeLambda;
before(async () => {
  fake = await new FakeLambda({ transitionMs: 120 }).start();
});
after(() => fake.close());

const KEYS = { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY };

function provider(options: LambdaProviderOptions = {}) {
  return createLambdaProvider({ credentials: KEYS, env: {}, endpoint: fake.url, timing: FAST, ...options });
}

function samFunction(name: string, overrides: Partial<FunctionSpec> = {}) {
  const root = writeTree({ "src/app.js": "exports.handler = async () => ({ statusCode: 200, body: 'v1' });\n" });
  return specFor(join(root, "src"), {
    name,
    dialect: "aws",
    runtime: "nodejs20.x",
    handler: "app.handler",
    region: "eu-west-1",
    memoryMb: 256,
    timeoutSec: 10,
    triggers: [
      { kind: "http", method: "GET", path: "/hello", payload: "aws-v2" },
      { kind: "timer", name: "Nightly", schedule: "cron(0 3 * * ? *)", enabled: true },
    ],
    ...overrides,
  });
}

async function deploy(spec: FunctionSpec, options: LambdaProviderOptions = { role: AWS_TEST_ROLE }) {
  const lambda = provider(options);
  const plan = await lambda.plan(spec, await packageFunction(spec));
  const progress: string[] = [];
  const result = await lambda.apply(plan, (line) => progress.push(line));
  return { plan, result, progress };
}

test("Lambda: create waits for Active, adds a public Function URL for HTTP routes, links the console", async () => {
  const spec = samFunction("lambda-create");
  const { plan, result, progress } = await deploy(spec);
  assert.equal(plan.action, "create");
  assert.equal(plan.identity, "AKIA****0042 (from the credentials given)");
  assert.deepEqual(
    plan.triggers.map((t) => `${t.action} ${t.type}`),
    ["create function-url", "skip timer"],
  );
  assert.match(plan.triggers[1].note!, /needs EventBridge set up; deploy it with `sam deploy`/);

  assert.equal(result.consoleUrl, "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/lambda-create");
  assert.match(result.url!, /^https:\/\/[a-z0-9]{32}\.lambda-url\.eu-west-1\.on\.aws\/$/);
  assert.ok(progress.includes("waiting for lambda-create to become Active"), progress.join("\n"));

  const fn = fake.state.get("eu-west-1", "lambda-create");
  assert.deepEqual(
    [fn.config.State, fn.config.Runtime, fn.config.Handler, fn.config.MemorySize, fn.config.Timeout, fn.config.Role],
    ["Active", "nodejs20.x", "app.handler", 256, 10, AWS_TEST_ROLE],
  );
  assert.deepEqual(fn.config.Environment, { Variables: { GREETING: "hello" } });
  assert.equal(fn.url?.AuthType, "NONE");
  assert.deepEqual(
    [...fn.statements.values()].map((s) => [s.Action, s.Principal, s.Condition]),
    [
      ["lambda:InvokeFunctionUrl", "*", { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } }],
      ["lambda:InvokeFunction", "*", { Bool: { "lambda:InvokedViaFunctionUrl": "true" } }],
    ],
  );
  // The SDK's FunctionActiveV2 waiter polled GetFunction while the function was Pending.
  const ops = fake.calls.filter((c) => c.functionName === "lambda-create").map((c) => c.operation);
  assert.ok(ops.filter((o) => o === "GetFunction").length >= 3, ops.join(", "));
  assert.ok(ops.indexOf("CreateFunctionUrlConfig") > ops.indexOf("CreateFunction"));
});

test("Lambda: update diffs the configuration, compares CodeSha256, and uploads only changed code", async () => {
  const spec = samFunction("lambda-update");
  await deploy(spec);
  const uploads = () => fake.uploads.filter((u) => u.functionName === "lambda-update");
  const zip = (await packageFunction(spec)).zip;
  assert.equal(uploads()[0].codeSha256, createHash("sha256").update(zip).digest("base64"));

  const changed = { ...spec, memoryMb: 512, handler: "app.other", environment: {} };
  const second = await deploy(changed, {});
  assert.equal(second.plan.action, "update");
  assert.equal(second.plan.codeChanged, false);
  assert.deepEqual(
    second.plan.configChanges.map((c) => `${c.field}: ${c.from} → ${c.to}`),
    ["Handler: app.handler → app.other", "MemorySize: 256 → 512", "Environment.GREETING: (set) → (removed)"],
  );
  assert.equal(uploads().length, 1, "unchanged code was uploaded again");
  assert.equal(second.result.codeUploaded, false);
  const fn = fake.state.get("eu-west-1", "lambda-update");
  assert.deepEqual([fn.config.Handler, fn.config.MemorySize, fn.config.Environment], ["app.other", 512, { Variables: {} }]);
  assert.deepEqual(second.plan.triggers.map((t) => t.action), ["unchanged", "skip"]);
  assert.equal(second.result.url, fn.url?.FunctionUrl);

  const third = await deploy(changed, {});
  assert.equal(third.plan.action, "unchanged");
  assert.equal(uploads().length, 1);

  writeFileSync(join(spec.codeDir, "app.js"), "exports.handler = async () => 'v2';\n");
  const fourth = await deploy(changed, {});
  assert.equal(fourth.plan.codeChanged, true);
  assert.deepEqual(uploads().map((u) => u.operation), ["CreateFunction", "UpdateFunctionCode"]);
  // Each change waited for the previous one: Lambda answers 409 to a change during an update.
  assert.deepEqual(fake.errors.filter((e) => e.type === "ResourceConflictException"), []);
});

test("Lambda: creating without an execution role fails before any change, naming --role and FAASBOX_LAMBDA_ROLE", async () => {
  const spec = samFunction("lambda-no-role", { triggers: [] });
  const lambda = provider({ role: undefined });
  const plan = await lambda.plan(spec, await packageFunction(spec));
  assert.equal(plan.action, "create");
  assert.match(plan.blockers.join("\n"), /Lambda needs an execution role to create lambda-no-role: pass --role arn:aws:iam::ACCOUNT:role\/NAME or set FAASBOX_LAMBDA_ROLE/);
  const before = fake.calls.length;
  const error = await lambda.apply(plan).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof DeployError);
  assert.equal(error.kind, "config");
  assert.match(error.message, /--role .* FAASBOX_LAMBDA_ROLE/);
  assert.equal(fake.calls.length, before, "nothing was sent");

  // FAASBOX_LAMBDA_ROLE gives it too.
  const fromEnv = await deploy(spec, { env: { FAASBOX_LAMBDA_ROLE: AWS_TEST_ROLE } });
  assert.equal(fromEnv.result.action, "create");
});

test("Lambda: --role changes an existing function's role; FAASBOX_LAMBDA_ROLE only serves new functions", async () => {
  const spec = samFunction("lambda-role", { triggers: [] });
  await deploy(spec);
  const other = "arn:aws:iam::123456789012:role/other-role";
  const fromEnv = await deploy(spec, { env: { FAASBOX_LAMBDA_ROLE: other } });
  assert.equal(fromEnv.plan.action, "unchanged");
  const explicit = await deploy(spec, { role: other });
  assert.deepEqual(explicit.plan.configChanges, [{ field: "Role", from: AWS_TEST_ROLE, to: other }]);
  assert.equal(fake.state.get("eu-west-1", "lambda-role").config.Role, other);
});

test("Lambda: an SCF function goes to Lambda with Lambda's runtime name", async () => {
  const root = writeTree({ "src/index.py": "def main_handler(event, context):\n    return 'ok'\n" });
  const spec = specFor(join(root, "src"), { name: "scf-on-lambda", runtime: "Python3.9", family: "python", handler: "index.main_handler", triggers: [] });
  const { plan } = await deploy(spec, { role: AWS_TEST_ROLE, env: { AWS_REGION: "ap-southeast-1" } });
  assert.equal(plan.region, "ap-southeast-1");
  assert.equal(fake.state.get("ap-southeast-1", "scf-on-lambda").config.Runtime, "python3.9");
  assert.match(plan.warnings.join("\n"), /written for SCF: in Lambda its events, context and environment follow Lambda's formats/);
});
