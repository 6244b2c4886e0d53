import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createScfProvider, type ScfProviderOptions } from "../../../emulator/deploy/scf";
import { createLambdaProvider, type LambdaProviderOptions } from "../../../emulator/deploy/lambda";
import { packageFunction } from "../../../emulator/deploy/package";
import { formatBytes } from "../../../emulator/deploy/limits";
import { DeployError } from "../../../emulator/deploy/errors";
import type { DeployProvider } from "../../../emulator/deploy/types";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { FakeScf, SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "../../helpers/fakeClouds/fakeScf";
import { FakeCos } from "../../helpers/fakeClouds/fakeCos";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_ROLE, AWS_TEST_SECRET_ACCESS_KEY, FakeLambda } from "../../helpers/fakeClouds/fakeLambda";
import { FakeS3 } from "../../helpers/fakeClouds/fakeS3";
import { FAST, specFor, writeTree } from "./deployTestKit";

const COS_BUCKET = "faasbox-code-1250000000";
const S3_BUCKET = "faasbox-code-eu";
/** Any zip of more than a few bytes counts as too large to send inline, without writing megabytes. */
const TINY_LIMITS = { zipped: 200, unzipped: 500 * 1024 * 1024 };

let cos: FakeCos;
let scf: FakeScf;
let s3: FakeS3;
let lambda: FakeLambda;
before(async () => {
  cos = await new FakeCos().start();
  cos.buckets.create(COS_BUCKET, "ap-guangzhou");
  scf = await new FakeScf({ transitionMs: 60, cos: cos.buckets }).start();
  s3 = await new FakeS3().start();
  s3.buckets.create(S3_BUCKET, "eu-west-1");
  lambda = await new FakeLambda({ transitionMs: 60, s3: s3.buckets }).start();
});
after(async () => {
  await Promise.all([cos.close(), scf.close(), s3.close(), lambda.close()]);
});

const SCF_KEYS = { TENCENTCLOUD_SECRET_ID: SCF_TEST_SECRET_ID, TENCENTCLOUD_SECRET_KEY: SCF_TEST_SECRET_KEY };

function scfProvider(options: ScfProviderOptions = {}) {
  return createScfProvider({ env: SCF_KEYS, endpoint: scf.url, cosEndpoint: cos.url, codeBucket: COS_BUCKET, sizeLimits: TINY_LIMITS, timing: FAST, ...options });
}

function lambdaProvider(options: LambdaProviderOptions = {}) {
  return createLambdaProvider({
    credentials: { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY },
    env: {},
    role: AWS_TEST_ROLE,
    endpoint: lambda.url,
    s3Endpoint: s3.url,
    codeBucket: S3_BUCKET,
    sizeLimits: TINY_LIMITS,
    timing: FAST,
    ...options,
  });
}

/** A function whose zip is a few hundred bytes: over TINY_LIMITS, well under the real ones. */
function scfSpec(name: string): FunctionSpec {
  const root = writeTree({ "index.js": `exports.main_handler = async () => '${"v1 ".repeat(200)}';\n`, "lib/util.js": "module.exports = { id: Math.random };\n" });
  return specFor(root, { name });
}

function awsSpec(name: string): FunctionSpec {
  const root = writeTree({ "app.js": `exports.handler = async () => '${"v1 ".repeat(200)}';\n`, "lib/util.js": "module.exports = { id: Math.random };\n" });
  return specFor(root, { name, dialect: "aws", runtime: "nodejs20.x", handler: "app.handler", region: "eu-west-1" });
}

async function deploy(provider: DeployProvider, spec: FunctionSpec) {
  const packaged = await packageFunction(spec);
  const plan = await provider.plan(spec, packaged);
  const progress: string[] = [];
  const result = await provider.apply(plan, (line) => progress.push(line));
  return { packaged, plan, result, progress };
}

async function deployError(provider: DeployProvider, spec: FunctionSpec): Promise<DeployError> {
  const error = await deploy(provider, spec).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof DeployError, `expected a DeployError, got ${String(error)}`);
  return error;
}

test("SCF: a package over the direct limit is put in the COS bucket, created from it, and updated from it", async () => {
  const spec = scfSpec("cos-create");
  const first = await deploy(scfProvider(), spec);
  const key = `faasbox/cos-create/${first.packaged.sha256}.zip`;
  assert.deepEqual(first.plan.codeBucket, { bucket: COS_BUCKET, key, region: "ap-guangzhou", url: `cos://${COS_BUCKET}/${key}` });
  assert.ok(first.progress.includes(`uploading code to cos://${COS_BUCKET}/${key} (${formatBytes(first.packaged.size)})`), first.progress.join("\n"));
  assert.ok(first.progress.includes(`creating cos-create in ap-guangzhou/default (code from cos://${COS_BUCKET}/${key})`), first.progress.join("\n"));
  assert.deepEqual(cos.buckets.object(COS_BUCKET, "ap-guangzhou", key), first.packaged.zip);

  // SCF's Code names the bucket without -APPID and the object with a leading slash, as documented.
  const create = scf.calls.find((c) => c.action === "CreateFunction" && c.params.FunctionName === "cos-create")!;
  assert.deepEqual(create.params.Code, { CosBucketName: "faasbox-code", CosObjectName: `/${key}`, CosBucketRegion: "ap-guangzhou" });
  assert.equal(create.params.CodeSource, "Cos");
  assert.deepEqual(scf.uploads.filter((u) => u.functionName === "cos-create").map((u) => [u.action, u.source, u.sha256]), [["CreateFunction", "Cos", first.packaged.sha256]]);
  assert.equal(scf.state.functions.get("ap-guangzhou/default/cos-create")?.Status, "Active");

  writeFileSync(join(spec.codeDir, "index.js"), `exports.main_handler = async () => '${"v2 ".repeat(200)}';\n`);
  const second = await deploy(scfProvider(), spec);
  const newKey = `faasbox/cos-create/${second.packaged.sha256}.zip`;
  assert.equal(second.plan.codeChanged, true);
  assert.ok(second.progress.includes(`updating code of cos-create from cos://${COS_BUCKET}/${newKey}`), second.progress.join("\n"));
  const update = scf.calls.filter((c) => c.action === "UpdateFunctionCode" && c.params.FunctionName === "cos-create").at(-1)!;
  assert.deepEqual([update.params.CosBucketName, update.params.CosObjectName, update.params.CosBucketRegion, update.params.ZipFile], ["faasbox-code", `/${newKey}`, "ap-guangzhou", undefined]);
  assert.equal(scf.uploads.at(-1)!.sha256, second.packaged.sha256);
  assert.deepEqual(cos.buckets.object(COS_BUCKET, "ap-guangzhou", key), first.packaged.zip, "the older package stays for a rollback");
});

test("SCF: the same code is not uploaded twice; a deploy that failed after the upload finishes without it", async () => {
  const spec = scfSpec("cos-again");
  const puts = () => cos.buckets.puts().filter((p) => p.key.startsWith("faasbox/cos-again/")).length;
  scf.failNext({ action: "CreateFunction", code: "InternalError", message: "injected" });
  const failed = await deployError(scfProvider(), spec);
  assert.match(failed.message, /SCF had an internal error during CreateFunction/);
  assert.equal(puts(), 1);

  const retried = await deploy(scfProvider(), spec);
  assert.equal(retried.plan.action, "create");
  assert.ok(retried.progress.includes(`code already in ${retried.plan.codeBucket!.url}; not uploaded again`), retried.progress.join("\n"));
  assert.equal(puts(), 1, "the zip was uploaded again");
  assert.equal(scf.state.functions.get("ap-guangzhou/default/cos-again")?.Status, "Active");

  // Unchanged code and settings: nothing is sent, not even a HEAD to the bucket.
  const before = cos.buckets.requests.length;
  const third = await deploy(scfProvider(), spec);
  assert.equal(third.plan.action, "unchanged");
  assert.equal(cos.buckets.requests.length, before);
});

test("a package that fits is sent inline as before and never touches the bucket", async () => {
  const before = { cos: cos.buckets.requests.length, s3: s3.buckets.requests.length };
  const scfRun = await deploy(scfProvider({ sizeLimits: undefined }), scfSpec("cos-small"));
  assert.equal(scfRun.plan.codeBucket, undefined);
  assert.ok(scfRun.progress.some((line) => /^creating cos-small in ap-guangzhou\/default \(uploading [\d.]+ K?B\)$/.test(line)), scfRun.progress.join("\n"));
  assert.equal(scf.uploads.find((u) => u.functionName === "cos-small")?.source, "ZipFile");

  const lambdaRun = await deploy(lambdaProvider({ sizeLimits: undefined }), awsSpec("s3-small"));
  assert.equal(lambdaRun.plan.codeBucket, undefined);
  assert.equal(lambda.uploads.find((u) => u.functionName === "s3-small")?.source, "ZipFile");
  assert.deepEqual({ cos: cos.buckets.requests.length, s3: s3.buckets.requests.length }, before);
});

test("a package over the limit without a code bucket is refused before any change, naming --code-bucket and the setting", async () => {
  for (const [provider, spec, cloud] of [
    [scfProvider({ codeBucket: undefined }), scfSpec("cos-none"), /Name a COS bucket \(NAME-APPID, in the function's region\)/],
    [lambdaProvider({ codeBucket: undefined }), awsSpec("s3-none"), /Name an S3 bucket \(in the function's region\)/],
  ] as const) {
    const plan = await provider.plan(spec, await packageFunction(spec));
    assert.equal(plan.codeBucket, undefined);
    const blockers = plan.blockers.join("\n");
    assert.match(blockers, /the zip is [\d.]+ K?B, over the 200 B/);
    assert.match(blockers, cloud);
    assert.match(blockers, /`faasbox deploy --code-bucket NAME`, FAASBOX_CODE_BUCKET or the faasbox\.deploy\.codeBucket setting/);
    await assert.rejects(provider.apply(plan), (e: unknown) => e instanceof DeployError && e.kind === "config" && /--code-bucket/.test(e.message));
  }
  assert.equal(scf.calls.filter((c) => c.params.FunctionName === "cos-none" && c.action !== "GetFunction").length, 0);
  assert.equal(lambda.calls.filter((c) => c.functionName === "s3-none" && c.operation !== "GetFunction").length, 0);
});

test("FAASBOX_CODE_BUCKET names the bucket when no option does; a COS name without -APPID is refused in the plan", async () => {
  const spec = scfSpec("cos-env");
  const fromEnv = await scfProvider({ codeBucket: undefined, env: { ...SCF_KEYS, FAASBOX_CODE_BUCKET: COS_BUCKET } }).plan(spec, await packageFunction(spec));
  assert.equal(fromEnv.codeBucket?.bucket, COS_BUCKET);
  assert.deepEqual(fromEnv.blockers, []);

  const short = await scfProvider({ codeBucket: "faasbox-code" }).plan(spec, await packageFunction(spec));
  assert.match(short.blockers.join("\n"), /the code bucket "faasbox-code" is not a COS bucket name: COS names buckets NAME-APPID/);
});

test("Lambda: a package over the direct limit is put in S3, created from it, updated from it, and not uploaded twice", async () => {
  const spec = awsSpec("s3-create");
  lambda.failNext({ operation: "CreateFunction", status: 500, type: "ServiceException", message: "injected" });
  const failed = await deployError(lambdaProvider(), spec);
  assert.match(failed.message, /Lambda had an internal error during CreateFunction/);

  const first = await deploy(lambdaProvider(), spec);
  const key = `faasbox/s3-create/${first.packaged.sha256}.zip`;
  assert.equal(first.plan.codeBucket?.url, `s3://${S3_BUCKET}/${key}`);
  assert.ok(first.progress.includes(`code already in s3://${S3_BUCKET}/${key}; not uploaded again`), first.progress.join("\n"));
  assert.ok(first.progress.includes(`creating s3-create in eu-west-1 (code from s3://${S3_BUCKET}/${key})`), first.progress.join("\n"));
  assert.deepEqual(s3.buckets.puts().map((p) => p.key).filter((k) => k.startsWith("faasbox/s3-create/")), [key]);
  const create = lambda.calls.filter((c) => c.operation === "CreateFunction" && c.functionName === "s3-create").at(-1)!;
  assert.deepEqual(create.body.Code, { S3Bucket: S3_BUCKET, S3Key: key });
  assert.equal(lambda.state.get("eu-west-1", "s3-create").config.CodeSha256, Buffer.from(first.packaged.sha256, "hex").toString("base64"));

  writeFileSync(join(spec.codeDir, "app.js"), `exports.handler = async () => '${"v2 ".repeat(200)}';\n`);
  const second = await deploy(lambdaProvider(), spec);
  const newKey = `faasbox/s3-create/${second.packaged.sha256}.zip`;
  assert.ok(second.progress.includes(`uploading code to s3://${S3_BUCKET}/${newKey} (${formatBytes(second.packaged.size)})`), second.progress.join("\n"));
  assert.ok(second.progress.includes(`updating code of s3-create from s3://${S3_BUCKET}/${newKey}`), second.progress.join("\n"));
  const update = lambda.calls.filter((c) => c.operation === "UpdateFunctionCode" && c.functionName === "s3-create").at(-1)!;
  assert.deepEqual(update.body, { S3Bucket: S3_BUCKET, S3Key: newKey });
  assert.deepEqual(lambda.uploads.filter((u) => u.functionName === "s3-create").map((u) => u.source), ["S3", "S3"]);
});

test("a wrong key for the bucket is a credentials error that names the key, masked, and not the secret", async () => {
  const strictCos = await new FakeCos().start();
  strictCos.buckets.create(COS_BUCKET, "ap-guangzhou");
  strictCos.secrets.set(SCF_TEST_SECRET_ID, "aSecretKeyOtherThanTheOneUsed0000");
  const strictS3 = await new FakeS3().start();
  strictS3.buckets.create(S3_BUCKET, "eu-west-1");
  strictS3.keys.set(AWS_TEST_ACCESS_KEY_ID, "anAwsSecretOtherThanTheOneUsed/0000");
  try {
    const cosError = await deployError(scfProvider({ cosEndpoint: strictCos.url }), scfSpec("cos-badkey"));
    assert.equal(cosError.kind, "credentials");
    assert.equal(cosError.cloudCode, "SignatureDoesNotMatch");
    assert.match(cosError.message, /^COS rejected the Tencent Cloud credentials while uploading the code to cos:\/\/faasbox-code-1250000000\/faasbox\/cos-badkey\/[0-9a-f]{64}\.zip \(SignatureDoesNotMatch\): the SecretKey does not belong to this SecretId\. Check the key AKID\*\*\*\*0001/);
    assert.ok(!cosError.message.includes(SCF_TEST_SECRET_KEY));
    assert.equal(scf.calls.filter((c) => c.params.FunctionName === "cos-badkey" && c.action === "CreateFunction").length, 0);

    const s3Error = await deployError(lambdaProvider({ s3Endpoint: strictS3.url }), awsSpec("s3-badkey"));
    assert.equal(s3Error.kind, "credentials");
    assert.equal(s3Error.cloudCode, "SignatureDoesNotMatch");
    assert.match(s3Error.message, /^S3 rejected the AWS credentials while uploading the code to s3:\/\/faasbox-code-eu\/faasbox\/s3-badkey\/[0-9a-f]{64}\.zip \(SignatureDoesNotMatch\): the secret access key does not match the access key ID\. Check the key AKIA\*\*\*\*0042/);
    assert.ok(!s3Error.message.includes(AWS_TEST_SECRET_ACCESS_KEY));

    // An unknown key ID is told apart from a wrong secret.
    strictCos.secrets.clear();
    const unknown = await deployError(scfProvider({ cosEndpoint: strictCos.url }), scfSpec("cos-unknown"));
    assert.equal(unknown.cloudCode, "InvalidAccessKeyId");
    assert.match(unknown.message, /this SecretId does not exist or was deleted/);
  } finally {
    await Promise.all([strictCos.close(), strictS3.close()]);
  }
});

test("a bucket that does not exist, or is in another region, is a config error saying where the bucket must be", async () => {
  const missing = await deployError(scfProvider({ codeBucket: "nowhere-1250000000" }), scfSpec("cos-missing"));
  assert.equal(missing.kind, "config", missing.message);
  assert.match(missing.message, /the COS bucket nowhere-1250000000 does not exist in ap-guangzhou\. Create it there/);

  s3.buckets.create("faasbox-code-us", "us-east-1");
  const elsewhere = await deployError(lambdaProvider({ codeBucket: "faasbox-code-us" }), awsSpec("s3-elsewhere"));
  assert.equal(elsewhere.kind, "config", elsewhere.message);
  assert.match(elsewhere.message, /the S3 bucket faasbox-code-us is not in eu-west-1 \(AuthorizationHeaderMalformed\); Lambda takes code only from a bucket in the function's region/);
});
