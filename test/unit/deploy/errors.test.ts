import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createScfProvider, type ScfProviderOptions } from "../../../emulator/deploy/scf";
import { createLambdaProvider, type LambdaProviderOptions } from "../../../emulator/deploy/lambda";
import { packageFunction } from "../../../emulator/deploy/package";
import { DeployError } from "../../../emulator/deploy/errors";
import type { DeployProvider } from "../../../emulator/deploy/types";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { FakeScf, SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "../../helpers/fakeClouds/fakeScf";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_ROLE, AWS_TEST_SECRET_ACCESS_KEY, FakeLambda } from "../../helpers/fakeClouds/fakeLambda";
import { startHttpServer } from "../../helpers/fakeClouds/httpServer";
import { CLEAN_CLOUD_ENV, FAST, specFor, withEnv, writeTree } from "./deployTestKit";

let scf: FakeScf;
let lambda: FakeLambda;
before(async () => {
  scf = await new FakeScf({ transitionMs: 60 }).start();
  lambda = await new FakeLambda({ transitionMs: 60, deprecatedRuntimes: ["nodejs16.x"] }).start();
});
after(async () => {
  await scf.close();
  await lambda.close();
});

const SCF_KEYS = { TENCENTCLOUD_SECRET_ID: SCF_TEST_SECRET_ID, TENCENTCLOUD_SECRET_KEY: SCF_TEST_SECRET_KEY };
const AWS_KEYS = { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY };
const SECRETS = [SCF_TEST_SECRET_KEY, AWS_TEST_SECRET_ACCESS_KEY, "WrongSecretKeyThatMustNotLeak1234", "wrongAwsSecretThatMustNotLeak/5678"];

function scfProvider(options: ScfProviderOptions = {}) {
  return createScfProvider({ env: SCF_KEYS, endpoint: scf.url, timing: FAST, ...options });
}

function lambdaProvider(options: LambdaProviderOptions = {}) {
  return createLambdaProvider({ credentials: AWS_KEYS, env: {}, role: AWS_TEST_ROLE, endpoint: lambda.url, timing: FAST, ...options });
}

function scfSpec(name: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const root = writeTree({ "index.js": "exports.main_handler = async () => 'ok';\n" });
  return specFor(root, { name, ...overrides });
}

function awsSpec(name: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const root = writeTree({ "app.js": "exports.handler = async () => 'ok';\n" });
  return specFor(root, { name, dialect: "aws", runtime: "nodejs20.x", handler: "app.handler", region: "us-east-1", ...overrides });
}

/** Plans and applies, returning the DeployError (the test fails if there is none) and the progress lines. */
async function failure(provider: DeployProvider, spec: FunctionSpec): Promise<{ error: DeployError; progress: string[] }> {
  const progress: string[] = [];
  try {
    const plan = await provider.plan(spec, await packageFunction(spec));
    await provider.apply(plan, (line) => progress.push(line));
  } catch (error) {
    assert.ok(error instanceof DeployError, `expected a DeployError, got ${String(error)}`);
    return { error, progress };
  }
  assert.fail("the deploy succeeded");
}

function assertNoSecrets(text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `a secret appears in: ${text}`);
}

test("SCF: a wrong SecretKey is 'credentials were rejected' with what to do, and the key is not shown", async () => {
  const provider = scfProvider({ env: { TENCENTCLOUD_SECRET_ID: SCF_TEST_SECRET_ID, TENCENTCLOUD_SECRET_KEY: "WrongSecretKeyThatMustNotLeak1234" } });
  const { error } = await failure(provider, scfSpec("bad-secret"));
  assert.equal(error.kind, "credentials");
  assert.equal(error.cloudCode, "AuthFailure.SignatureFailure");
  assert.match(error.message, /Tencent Cloud credentials were rejected \(AuthFailure\.SignatureFailure\): the SecretKey does not belong to this SecretId\. Check the key AKID\*\*\*\*0001/);
  assert.match(error.message, /https:\/\/console\.cloud\.tencent\.com\/cam\/capi/);
  assertNoSecrets(error.message);
  assertNoSecrets(JSON.stringify(error));
});

test("SCF: an unknown SecretId is AuthFailure.SecretIdNotFound, reported as such", async () => {
  const provider = scfProvider({ credentials: { secretId: "AKIDunknownUnknownUnknown00009999", secretKey: "WrongSecretKeyThatMustNotLeak1234" } });
  const { error } = await failure(provider, scfSpec("unknown-id"));
  assert.equal(error.cloudCode, "AuthFailure.SecretIdNotFound");
  assert.match(error.message, /this SecretId does not exist or was deleted\. Check the key AKID\*\*\*\*9999 \(from the credentials given\)/);
  assertNoSecrets(error.message);
});

test("SCF: RequestLimitExceeded is retried with backoff and the deploy goes through", async () => {
  scf.failNext({ action: "GetFunction", code: "RequestLimitExceeded", times: 2 });
  scf.failNext({ action: "CreateFunction", code: "RequestLimitExceeded.UinLimitExceeded", times: 1 });
  const provider = scfProvider();
  const spec = scfSpec("throttled");
  const plan = await provider.plan(spec, await packageFunction(spec));
  const progress: string[] = [];
  const result = await provider.apply(plan, (line) => progress.push(line));
  assert.equal(result.action, "create");
  assert.match(progress.join("\n"), /SCF is throttling requests \(RequestLimitExceeded\.UinLimitExceeded\); retrying CreateFunction in \d+\.\d s \(1\/4\)/);
  assert.equal(scf.calls.filter((c) => c.action === "CreateFunction" && c.params.FunctionName === "throttled").length, 2);

  scf.failNext({ action: "GetFunction", code: "RequestLimitExceeded", times: 10 });
  const { error } = await failure(scfProvider(), scfSpec("always-throttled"));
  assert.equal(error.kind, "throttled");
  assert.match(error.message, /SCF is throttling this account \(RequestLimitExceeded\) and still was after 4 retries; wait a minute and deploy again/);
  scf.clearFaults();
});

test("SCF: a runtime SCF rejects (InvalidParameterValue.Runtime) says what to set", async () => {
  const { error } = await failure(scfProvider(), scfSpec("bad-runtime", { runtime: "Nodejs99.1" }));
  assert.equal(error.kind, "runtime");
  assert.match(error.message, /SCF does not accept the runtime of bad-runtime in ap-guangzhou \(.*\)\. Set a runtime SCF offers in the manifest, such as Nodejs18\.15/);
});

test("SCF: UnauthorizedOperation and LimitExceeded become permission and quota messages", async () => {
  scf.failNext({ action: "CreateFunction", code: "UnauthorizedOperation.CAM", message: "CAM policy denies scf:CreateFunction" });
  const denied = await failure(scfProvider(), scfSpec("denied"));
  assert.equal(denied.error.kind, "permission");
  assert.match(denied.error.message, /not allowed to call scf:CreateFunction \(UnauthorizedOperation\.CAM\)\. Grant it in CAM .*QcloudSCFFullAccess/);

  scf.failNext({ action: "CreateFunction", code: "LimitExceeded.Function", message: "函数数量超出最大限制" });
  const quota = await failure(scfProvider(), scfSpec("too-many"));
  assert.equal(quota.error.kind, "quota");
  assert.match(quota.error.message, /a quota is reached \(LimitExceeded\.Function: 函数数量超出最大限制\)\. Delete unused functions/);
});

test("SCF: without credentials the message names the variables and the credentials file", async () => {
  const home = writeTree({});
  const { error } = await failure(scfProvider({ env: {}, homeDir: home }), scfSpec("no-keys"));
  assert.equal(error.kind, "credentials");
  assert.match(error.message, /no Tencent Cloud credentials: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set and .*\.tencentcloud\/credentials does not exist/);
  assert.match(error.message, /\[default\]\n {2}secret_id = AKID\.\.\.\n {2}secret_key = \.\.\./);

  const half = await failure(scfProvider({ env: { TENCENTCLOUD_SECRET_ID: SCF_TEST_SECRET_ID } }), scfSpec("half-keys"));
  assert.match(half.error.message, /^TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not; set both/);

  const broken = writeTree({ ".tencentcloud/credentials": "[other]\nsecret_id = x\n" });
  const noProfile = await failure(scfProvider({ env: {}, homeDir: broken }), scfSpec("no-profile"));
  assert.match(noProfile.error.message, /credentials has no \[default\] section/);
});

test("SCF and Lambda: an endpoint that refuses connections is 'cannot reach' with what to check", async () => {
  const closed = await startHttpServer(() => {});
  const address = closed.url;
  await closed.close();
  const scfError = await failure(scfProvider({ endpoint: address }), scfSpec("offline"));
  assert.equal(scfError.error.kind, "network");
  assert.match(scfError.error.message, /cannot reach Tencent Cloud SCF: scf\.tencentcloudapi\.com refused the connection\. Check this machine's internet connection, proxy/);
  const lambdaError = await failure(lambdaProvider({ endpoint: address }), awsSpec("offline"));
  assert.equal(lambdaError.error.kind, "network");
  assert.match(lambdaError.error.message, /cannot reach AWS Lambda: lambda\.us-east-1\.amazonaws\.com refused the connection/);
});

test("Lambda: a wrong secret is InvalidSignatureException, an unknown key UnrecognizedClientException, both 'credentials were rejected'", async () => {
  const wrong = await failure(lambdaProvider({ credentials: { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: "wrongAwsSecretThatMustNotLeak/5678" } }), awsSpec("bad-secret"));
  assert.equal(wrong.error.kind, "credentials");
  assert.equal(wrong.error.cloudCode, "InvalidSignatureException");
  assert.match(wrong.error.message, /AWS credentials were rejected \(InvalidSignatureException\): the secret access key does not match the access key ID\. Check the key AKIA\*\*\*\*0042/);
  assertNoSecrets(wrong.error.message);

  const unknown = await failure(lambdaProvider({ credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN99", secretAccessKey: "wrongAwsSecretThatMustNotLeak/5678" } }), awsSpec("unknown-key"));
  assert.equal(unknown.error.cloudCode, "UnrecognizedClientException");
  assert.match(unknown.error.message, /the access key ID is unknown to AWS\. Check the key AKIA\*\*\*\*WN99/);
  assertNoSecrets(unknown.error.message);
});

test("Lambda: TooManyRequestsException is retried, then the deploy goes through", async () => {
  lambda.failNext({ operation: "CreateFunction", status: 429, type: "TooManyRequestsException", message: "Rate exceeded", times: 2 });
  const provider = lambdaProvider();
  const spec = awsSpec("lambda-throttled");
  const plan = await provider.plan(spec, await packageFunction(spec));
  const progress: string[] = [];
  const result = await provider.apply(plan, (line) => progress.push(line));
  assert.equal(result.action, "create");
  assert.equal(progress.filter((line) => /Lambda answered TooManyRequestsException to CreateFunction; retrying in/.test(line)).length, 2);
  assert.equal(lambda.state.get("us-east-1", "lambda-throttled").config.State, "Active");
});

test("Lambda: AccessDeniedException, CodeStorageExceededException and a rejected runtime say what to do", async () => {
  lambda.failNext({ operation: "GetFunction", status: 403, type: "AccessDeniedException", message: "User is not authorized to perform: lambda:GetFunction" });
  const denied = await failure(lambdaProvider(), awsSpec("denied"));
  assert.equal(denied.error.kind, "permission");
  assert.match(denied.error.message, /AKIA\*\*\*\*0042 \(from the credentials given\) is not allowed to call lambda:GetFunction.*AWSLambda_FullAccess.*iam:PassRole/);

  lambda.failNext({ operation: "CreateFunction", status: 400, type: "CodeStorageExceededException", message: "Code storage limit exceeded." });
  const storage = await failure(lambdaProvider(), awsSpec("storage"));
  assert.equal(storage.error.kind, "quota");
  assert.match(storage.error.message, /code storage is full .* Delete old function versions/);

  const runtime = await failure(lambdaProvider(), awsSpec("old-runtime", { runtime: "nodejs16.x" }));
  assert.equal(runtime.error.kind, "runtime");
  assert.match(runtime.error.message, /Lambda does not accept the runtime of old-runtime in us-east-1: The runtime parameter of nodejs16\.x is no longer supported.*Set a runtime Lambda supports/);
});

test("SCF and Lambda: a function that never becomes ready ends the deploy after the wait timeout, with the console link", async () => {
  const slowScf = await new FakeScf({ transitionMs: 60_000 }).start();
  const slowLambda = await new FakeLambda({ transitionMs: 60_000 }).start();
  try {
    const timing = { ...FAST, waitTimeoutMs: 300 };
    const scfTimeout = await failure(scfProvider({ endpoint: slowScf.url, timing }), scfSpec("slow-scf"));
    assert.equal(scfTimeout.error.kind, "timeout");
    assert.match(scfTimeout.error.message, /^slow-scf is still Creating after 0\.3 s; SCF may be slow\. Check its page \(https:\/\/console\.cloud\.tencent\.com\/scf\/detail\?rid=1&ns=default&id=slow-scf\)/);
    const lambdaTimeout = await failure(lambdaProvider({ endpoint: slowLambda.url, timing }), awsSpec("slow-lambda"));
    assert.equal(lambdaTimeout.error.kind, "timeout");
    assert.match(lambdaTimeout.error.message, /^slow-lambda was not Active after 0\.3 s; check it in the console \(https:\/\/us-east-1\.console\.aws\.amazon\.com/);
  } finally {
    await slowScf.close();
    await slowLambda.close();
  }
});

test("Lambda: without credentials anywhere the message names the variables, the profile files and AWS_PROFILE", async () => {
  const home = writeTree({});
  await withEnv(
    {
      ...CLEAN_CLOUD_ENV,
      AWS_SHARED_CREDENTIALS_FILE: join(home, "missing-credentials"),
      AWS_CONFIG_FILE: join(home, "missing-config"),
      AWS_EC2_METADATA_DISABLED: "true",
    },
    async () => {
      const provider = createLambdaProvider({ endpoint: lambda.url, role: AWS_TEST_ROLE, timing: FAST });
      const { error } = await failure(provider, awsSpec("no-aws-keys"));
      assert.equal(error.kind, "credentials");
      assert.match(error.message, /^no AWS credentials found: .*\. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \(plus AWS_SESSION_TOKEN for temporary keys\), or add a profile to ~\/\.aws\/credentials .* AWS_PROFILE\.$/);
    },
  );
});
