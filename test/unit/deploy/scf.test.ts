import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { createScfProvider, type ScfProviderOptions } from "../../../emulator/deploy/scf";
import { packageFunction } from "../../../emulator/deploy/package";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { FakeScf, SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "../../helpers/fakeClouds/fakeScf";
import { FAST, specFor, writeTree } from "./deployTestKit";

let fake: FakeScf;
before(async () => {
  fake = await new FakeScf({ transitionMs: 120 }).start();
});
after(() => fake.close());

const KEYS = { TENCENTCLOUD_SECRET_ID: SCF_TEST_SECRET_ID, TENCENTCLOUD_SECRET_KEY: SCF_TEST_SECRET_KEY };

function provider(options: ScfProviderOptions = {}) {
  return createScfProvider({ env: KEYS, endpoint: fake.url, timing: FAST, ...options });
}

function scfFunction(name: string, overrides: Partial<FunctionSpec> = {}) {
  const root = writeTree({ "src/index.js": "exports.main_handler = async () => 'v1';\n" });
  return specFor(join(root, "src"), {
    name,
    triggers: [
      { kind: "timer", name: "nightly", schedule: "0 0 3 * * * *", enabled: true, message: "cleanup" },
      { kind: "http", method: "GET", path: "/hello", payload: "scf", integratedResponse: true },
      { kind: "topic", name: "orders", topic: "orders", batchSize: 1, source: "topic" },
    ],
    ...overrides,
  });
}

async function deploy(spec: FunctionSpec, options: ScfProviderOptions = {}) {
  const scf = provider(options);
  const plan = await scf.plan(spec, await packageFunction(spec));
  const progress: string[] = [];
  const result = await scf.apply(plan, (line) => progress.push(line));
  return { plan, result, progress };
}

test("SCF: create uploads the zip, waits for Active, creates the timer and the function URL, and links the console", async () => {
  const spec = scfFunction("scf-create");
  const { plan, result, progress } = await deploy(spec);
  assert.equal(plan.action, "create");
  assert.equal(plan.codeChanged, true);
  assert.equal(plan.identity, "AKID****0001 (from TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY)");
  assert.deepEqual(
    plan.configChanges.map((c) => `${c.field}: ${c.from} → ${c.to}`),
    ["Runtime: (none) → Nodejs18.15", "Handler: (none) → index.main_handler", "MemorySize: (none) → 128", "Timeout: (none) → 3", "Environment.GREETING: (unset) → (set)"],
  );
  assert.deepEqual(
    plan.triggers.map((t) => `${t.action} ${t.type} ${t.name}`),
    ["create timer nightly", "create http faasbox-url", "skip cmq orders"],
  );

  assert.equal(result.consoleUrl, "https://console.cloud.tencent.com/scf/detail?rid=1&ns=default&id=scf-create");
  assert.equal(result.codeUploaded, true);
  assert.ok(progress.includes("waiting for scf-create to become Active (now Creating)"), progress.join("\n"));

  const fn = fake.state.functions.get("ap-guangzhou/default/scf-create")!;
  assert.equal(fn.Status, "Active");
  assert.equal(fn.Runtime, "Nodejs18.15");
  assert.deepEqual(fn.Variables, [{ Key: "GREETING", Value: "hello" }]);
  const timer = fn.Triggers.find((t) => t.Type === "timer")!;
  assert.deepEqual({ desc: timer.TriggerDesc, enable: timer.Enable, argument: timer.CustomArgument }, { desc: '{"cron":"0 0 3 * * * *"}', enable: 1, argument: "cleanup" });
  const url = JSON.parse(fn.Triggers.find((t) => t.Type === "http")!.TriggerDesc);
  assert.deepEqual(url, { AuthType: "NONE", NetConfig: { EnableIntranet: false, EnableExtranet: true } });

  // The triggers were created once the function was Active: SCF refuses them before.
  const actions = fake.calls.filter((c) => c.params.FunctionName === "scf-create").map((c) => c.action);
  assert.ok(actions.indexOf("CreateTrigger") > actions.lastIndexOf("CreateFunction"));
  assert.equal(fake.uploads.filter((u) => u.functionName === "scf-create").length, 1);
});

test("SCF: an update shows the config diff, uploads changed code only, and leaves unchanged code alone", async () => {
  const spec = scfFunction("scf-update");
  await deploy(spec);
  const uploads = () => fake.uploads.filter((u) => u.functionName === "scf-update").length;
  assert.equal(uploads(), 1);

  // Configuration only: no upload, UpdateFunctionConfiguration with the full new environment.
  const changed = { ...spec, memoryMb: 256, timeoutSec: 10, environment: { GREETING: "bonjour", EXTRA: "1" } };
  const second = await deploy(changed);
  assert.equal(second.plan.action, "update");
  assert.equal(second.plan.codeChanged, false);
  assert.deepEqual(
    second.plan.configChanges.map((c) => `${c.field}: ${c.from} → ${c.to}`),
    ["MemorySize: 128 → 256", "Timeout: 3 → 10", "Environment.EXTRA: (unset) → (set)", "Environment.GREETING: (set) → (new value)"],
  );
  assert.equal(uploads(), 1, "unchanged code was uploaded again");
  assert.equal(second.result.codeUploaded, false);
  const fn = fake.state.functions.get("ap-guangzhou/default/scf-update")!;
  assert.deepEqual([fn.MemorySize, fn.Timeout], [256, 10]);
  assert.deepEqual(fn.Variables, [{ Key: "GREETING", Value: "bonjour" }, { Key: "EXTRA", Value: "1" }]);
  assert.ok(!JSON.stringify(second.plan.configChanges).includes("bonjour"), "environment values are never shown");

  // Nothing changed: the plan says so and apply calls nothing that writes.
  const before = fake.calls.length;
  const third = await deploy(changed);
  assert.equal(third.plan.action, "unchanged");
  assert.deepEqual(third.plan.configChanges, []);
  const writes = fake.calls.slice(before).filter((c) => !c.action.startsWith("Get"));
  assert.deepEqual(writes, []);

  // New code: uploaded once, the function waits for Active before and after.
  writeFileSync(join(spec.codeDir, "index.js"), "exports.main_handler = async () => 'v2';\n");
  const fourth = await deploy(changed);
  assert.equal(fourth.plan.codeChanged, true);
  assert.equal(uploads(), 2);
  assert.equal(fake.uploads.at(-1)!.action, "UpdateFunctionCode");

  // A changed cron updates the timer in place.
  const rescheduled = { ...changed, triggers: [{ kind: "timer" as const, name: "nightly", schedule: "0 30 4 * * * *", enabled: false, message: "cleanup" }] };
  const fifth = await deploy(rescheduled);
  assert.deepEqual(fifth.plan.triggers.map((t) => `${t.action} ${t.name}: ${t.detail}`), ["update nightly: 0 0 3 * * * * → 0 30 4 * * * * (disabled)"]);
  const timer = fake.state.functions.get("ap-guangzhou/default/scf-update")!.Triggers.find((t) => t.Type === "timer")!;
  assert.deepEqual([timer.TriggerDesc, timer.Enable], ['{"cron":"0 30 4 * * * *"}', 0]);
  // Every change waited for Active: SCF answers FailedOperation to a change while Updating.
  assert.deepEqual(fake.errors.filter((e) => e.code.startsWith("FailedOperation")), []);
});

test("SCF: a runtime change is refused before anything changes, since SCF cannot change it", async () => {
  const spec = scfFunction("scf-runtime", { triggers: [] });
  await deploy(spec);
  const python = { ...spec, runtime: "Python3.9", family: "python" as const, handler: "index.main_handler" };
  const scf = provider();
  const plan = await scf.plan(python, await packageFunction(python));
  assert.match(plan.blockers.join("\n"), /SCF cannot change the runtime of an existing function \(Nodejs18\.15 → Python3\.9\); delete scf-runtime in the console/);
  const before = fake.calls.length;
  await assert.rejects(scf.apply(plan), /cannot deploy scf-runtime to SCF: SCF cannot change the runtime/);
  assert.equal(fake.calls.length, before);
});

test("SCF: a SAM function goes to SCF with SCF's runtime name and a warning about formats and region", async () => {
  const root = writeTree({ "src/app.js": "exports.handler = async () => 'ok';\n" });
  const spec = specFor(join(root, "src"), { name: "sam-on-scf", dialect: "aws", runtime: "nodejs18.x", handler: "app.handler", region: "us-east-1", triggers: [] });
  const { plan } = await deploy(spec, { env: { ...KEYS, TENCENTCLOUD_REGION: "ap-shanghai" } });
  assert.equal(plan.region, "ap-shanghai");
  assert.deepEqual(plan.configChanges.find((c) => c.field === "Runtime"), { field: "Runtime", from: "(none)", to: "Nodejs18.15" });
  assert.match(plan.warnings.join("\n"), /written for AWS Lambda: in SCF its events, context and environment follow SCF's formats/);
  assert.match(plan.warnings.join("\n"), /deploying to ap-shanghai \(set --region or TENCENTCLOUD_REGION to choose\)/);
  assert.equal(fake.state.functions.get("ap-shanghai/default/sam-on-scf")?.Runtime, "Nodejs18.15");
});

test("SCF: credentials from ~/.tencentcloud/credentials when the environment has none", async () => {
  const home = writeTree({ ".tencentcloud/credentials": `[default]\nsecret_id = ${SCF_TEST_SECRET_ID}\nsecret_key = ${SCF_TEST_SECRET_KEY}\n` });
  const spec = scfFunction("scf-profile", { triggers: [] });
  const { plan } = await deploy(spec, { env: {}, homeDir: home });
  assert.equal(plan.identity, `AKID****0001 (from ${join(home, ".tencentcloud", "credentials")})`);
  assert.equal(fake.state.functions.get("ap-guangzhou/default/scf-profile")?.Status, "Active");
});
