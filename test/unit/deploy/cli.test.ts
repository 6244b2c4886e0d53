import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deployCommand, packageCommand } from "../../../emulator/cli/deploy";
import { DEPLOY_USAGE, PACKAGE_USAGE } from "../../../emulator/cli/deployUsage";
import { UsageError } from "../../../emulator/cli/args";
import { FakeScf, SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "../../helpers/fakeClouds/fakeScf";
import { FakeCos } from "../../helpers/fakeClouds/fakeCos";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_ROLE, AWS_TEST_SECRET_ACCESS_KEY, FakeLambda } from "../../helpers/fakeClouds/fakeLambda";
import { CLEAN_CLOUD_ENV, DEPLOY_FIXTURES, capture, withEnv, writeTree } from "./deployTestKit";

const SCF_APP = join(DEPLOY_FIXTURES, "scf-app");
const SAM_APP = join(DEPLOY_FIXTURES, "sam-app");
const SECRETS = [SCF_TEST_SECRET_KEY, AWS_TEST_SECRET_ACCESS_KEY, "WrongSecretKeyThatMustNotLeak1234"];

const COS_BUCKET = "faasbox-code-1250000000";

let cos: FakeCos;
let scf: FakeScf;
let lambda: FakeLambda;
before(async () => {
  cos = await new FakeCos().start();
  cos.buckets.create(COS_BUCKET, "ap-guangzhou");
  scf = await new FakeScf({ transitionMs: 50, cos: cos.buckets }).start();
  lambda = await new FakeLambda({ transitionMs: 50 }).start();
});
after(async () => {
  await scf.close();
  await lambda.close();
  await cos.close();
});

/** The environment a user would have: keys in variables, and (for these tests only) the fakes' addresses. */
function cloudEnv(extra: Record<string, string | undefined> = {}) {
  return {
    ...CLEAN_CLOUD_ENV,
    TENCENTCLOUD_SECRET_ID: SCF_TEST_SECRET_ID,
    TENCENTCLOUD_SECRET_KEY: SCF_TEST_SECRET_KEY,
    AWS_ACCESS_KEY_ID: AWS_TEST_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: AWS_TEST_SECRET_ACCESS_KEY,
    AWS_EC2_METADATA_DISABLED: "true",
    FAASBOX_SCF_ENDPOINT: scf.url,
    FAASBOX_LAMBDA_ENDPOINT: lambda.url,
    FAASBOX_COS_ENDPOINT: cos.url,
    ...extra,
  };
}

function run(command: (argv: string[]) => Promise<number>, argv: string[], env: Record<string, string | undefined> = cloudEnv()) {
  return capture(() => withEnv(env, () => command(argv)));
}

function assertNoSecrets(text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `a secret was printed:\n${text}`);
}

test("faasbox package writes the zip and prints its size, file count, sha256 and the cloud's limits", async () => {
  const out = join(writeTree({}), "dist", "hello.zip");
  const scfRun = await run(packageCommand, ["deploy-hello", "--project", SCF_APP, "--out", out]);
  assert.equal(scfRun.result, 0, scfRun.all);
  const sha256 = createHash("sha256").update(readFileSync(out)).digest("hex");
  assert.match(scfRun.stdout, new RegExp(`^deploy-hello: ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n`));
  assert.match(scfRun.stdout, /\n {2}1 file, \d+ B zipped, \d+ B unzipped\n/);
  assert.match(scfRun.stdout, new RegExp(`\n  sha256 ${sha256}\n`));
  assert.match(scfRun.stdout, /✓ zip \d+ B of 7\.1 MB \(SCF direct upload\)/);
  assert.match(scfRun.stdout, /✓ unzipped \d+ B of 500\.0 MB \(SCF\)/);

  const lambdaRun = await run(packageCommand, ["deploy-hello", "--project", SCF_APP, "--out", out, "--target", "lambda"]);
  assert.equal(lambdaRun.result, 0);
  assert.match(lambdaRun.stdout, /✓ zip \d+ B of 50\.0 MB \(Lambda direct upload\)/);
});

test("faasbox package and deploy: a missing or unknown function and a bad target are usage errors", async () => {
  await assert.rejects(run(packageCommand, ["--project", SCF_APP]), (e: unknown) => e instanceof UsageError && e.message.includes(PACKAGE_USAGE));
  await assert.rejects(run(packageCommand, ["nope", "--project", SCF_APP]), /faasbox package: no function named "nope" in .* \(functions: deploy-hello\)/);
  await assert.rejects(run(deployCommand, ["--project", SCF_APP, "--target", "azure"]), /faasbox deploy: --target must be scf or lambda, got "azure"/);
  await assert.rejects(run(deployCommand, ["--project", SCF_APP, "--frobnicate"]), (e: unknown) => e instanceof UsageError);
  await assert.rejects(run(deployCommand, ["--project", SCF_APP, "--target", "lambda"]), /no AWS functions in/);
  assert.match(DEPLOY_USAGE, /FAASBOX_SCF_ENDPOINT, FAASBOX_LAMBDA_ENDPOINT/);
});

test("faasbox deploy --dry-run prints the plan and changes nothing", async () => {
  const before = scf.calls.length;
  const dry = await run(deployCommand, ["--project", SCF_APP, "--dry-run"]);
  assert.equal(dry.result, 0, dry.all);
  assert.match(dry.stdout, /^scf deploy-hello \(ap-guangzhou\/default\): create\n {2}as AKID\*\*\*\*0001 \(from TENCENTCLOUD_SECRET_ID\/TENCENTCLOUD_SECRET_KEY\)\n/);
  assert.match(dry.stdout, /code: 1 file, .*: new/);
  assert.match(dry.stdout, /Runtime: \(none\) → Nodejs18\.15/);
  assert.match(dry.stdout, /\+ timer every-five: create, 0 \*\/5 \* \* \* \* \*/);
  assert.match(dry.stdout, /\+ http faasbox-url: create, function URL, public \(AuthType NONE\) \(one public function URL serves GET \/hello/);
  assert.match(dry.stdout, /console: https:\/\/console\.cloud\.tencent\.com\/scf\/detail\?rid=1&ns=default&id=deploy-hello/);
  assert.match(dry.stdout, /dry run: nothing was changed\n$/);
  assert.deepEqual(scf.calls.slice(before).map((c) => c.action), ["GetFunction"]);
  assertNoSecrets(dry.all);
});

test("faasbox deploy --yes applies with progress lines and the console link; a second run has nothing to do", async () => {
  const deployed = await run(deployCommand, ["deploy-hello", "--project", SCF_APP, "--yes"]);
  assert.equal(deployed.result, 0, deployed.all);
  assert.match(deployed.stdout, / {2}creating deploy-hello in ap-guangzhou\/default \(uploading \d+ B\)\n/);
  assert.match(deployed.stdout, / {2}waiting for deploy-hello to become Active \(now Creating\)\n/);
  assert.match(deployed.stdout, / {2}creating timer trigger every-five/);
  assert.match(deployed.stdout, /deployed deploy-hello to SCF \(ap-guangzhou\): https:\/\/console\.cloud\.tencent\.com\/scf\/detail\?rid=1&ns=default&id=deploy-hello\n$/);
  assert.equal(scf.state.functions.get("ap-guangzhou/default/deploy-hello")?.Status, "Active");
  assertNoSecrets(deployed.all);

  const again = await run(deployCommand, ["deploy-hello", "--project", SCF_APP, "--yes"]);
  assert.equal(again.result, 0);
  assert.match(again.stdout, /: unchanged\n/);
  assert.match(again.stdout, /code: .*: unchanged, not uploaded/);
  assert.match(again.stdout, /everything is up to date; nothing to deploy\n$/);
  assert.equal(scf.uploads.filter((u) => u.functionName === "deploy-hello").length, 1);
});

test("faasbox deploy to Lambda: no role is an error naming both ways to give one; with --role it deploys and prints the URL", async () => {
  const noRole = await run(deployCommand, ["deploy-api", "--project", SAM_APP, "--yes"]);
  assert.equal(noRole.result, 1);
  assert.match(noRole.stdout, /lambda deploy-api \(us-east-1\): create/);
  assert.match(noRole.stdout, /✗ Lambda needs an execution role to create deploy-api: pass --role arn:aws:iam::ACCOUNT:role\/NAME or set FAASBOX_LAMBDA_ROLE/);
  assert.match(noRole.stderr, /error: nothing was deployed; fix what is marked ✗ above/);
  assert.equal(lambda.calls.filter((c) => c.operation === "CreateFunction").length, 0);

  const deployed = await run(deployCommand, ["deploy-api", "--project", SAM_APP, "--yes", "--role", AWS_TEST_ROLE]);
  assert.equal(deployed.result, 0, deployed.all);
  assert.match(deployed.stdout, / {2}creating a public Function URL for deploy-api\n/);
  assert.match(deployed.stdout, /deployed deploy-api to Lambda \(us-east-1\): https:\/\/us-east-1\.console\.aws\.amazon\.com\/lambda\/home\?region=us-east-1#\/functions\/deploy-api\n {2}URL: https:\/\/[a-z0-9]+\.lambda-url\.us-east-1\.on\.aws\/\n$/);
  assertNoSecrets(deployed.all);
});

test("faasbox deploy with a rejected key exits 1 with the mapped message and prints no secret", async () => {
  const failed = await run(deployCommand, ["deploy-hello", "--project", SCF_APP, "--yes"], cloudEnv({ TENCENTCLOUD_SECRET_KEY: "WrongSecretKeyThatMustNotLeak1234" }));
  assert.equal(failed.result, 1);
  assert.match(failed.stderr, /^error: Tencent Cloud credentials were rejected \(AuthFailure\.SignatureFailure\): the SecretKey does not belong to this SecretId\. Check the key AKID\*\*\*\*0001/);
  assertNoSecrets(failed.all);

  const missing = await run(deployCommand, ["deploy-hello", "--project", SCF_APP, "--dry-run"], {
    ...cloudEnv({ TENCENTCLOUD_SECRET_ID: undefined, TENCENTCLOUD_SECRET_KEY: undefined }),
    HOME: writeTree({}),
  });
  assert.equal(missing.result, 1);
  assert.match(missing.stderr, /error: no Tencent Cloud credentials: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set and .*\.tencentcloud\/credentials does not exist/);
});

test("faasbox deploy without --yes refuses when no one can confirm", async () => {
  const env = cloudEnv();
  await assert.rejects(
    capture(() => withEnv(env, () => deployCommand(["deploy-api", "--project", SAM_APP, "--role", AWS_TEST_ROLE, "--region", "eu-central-1"]))),
    /standard input is not a terminal, so there is no one to confirm; pass --yes to deploy, or --dry-run/,
  );
});

test("faasbox deploy --code-bucket sends a package over SCF's 7.1 MB through COS; without a bucket it is refused, naming the way out", async () => {
  const root = writeTree({
    "serverless.yml": "component: scf\nname: big-upload\ninputs:\n  name: big-upload\n  src: ./src\n  handler: index.main_handler\n  runtime: Nodejs18.15\n  region: ap-guangzhou\n",
    "src/index.js": "exports.main_handler = async () => 'big';\n",
  });
  // Random bytes do not compress: the zip stays over what one SCF API request can carry.
  writeFileSync(join(root, "src", "model.bin"), randomBytes(7_600_000));

  const refused = await run(deployCommand, ["big-upload", "--project", root, "--yes"]);
  assert.equal(refused.result, 1);
  assert.match(refused.stdout, /✗ the zip is 7\.\d MB, over the 7\.1 MB SCF takes in one API request .*`faasbox deploy --code-bucket NAME`, FAASBOX_CODE_BUCKET or the faasbox\.deploy\.codeBucket setting/);
  assert.equal(cos.buckets.requests.length, 0);

  const planned = await run(deployCommand, ["big-upload", "--project", root, "--dry-run"], cloudEnv({ FAASBOX_CODE_BUCKET: COS_BUCKET }));
  assert.equal(planned.result, 0, planned.all);
  assert.match(planned.stdout, new RegExp(`\\n  code goes through the bucket: cos://${COS_BUCKET}/faasbox/big-upload/[0-9a-f]{64}\\.zip \\(too large to send in the deploy request\\)\\n`));
  assert.equal(cos.buckets.requests.length, 0, "a dry run touched the bucket");

  const deployed = await run(deployCommand, ["big-upload", "--project", root, "--yes", "--code-bucket", COS_BUCKET]);
  assert.equal(deployed.result, 0, deployed.all);
  const key = /uploading code to cos:\/\/faasbox-code-1250000000\/(faasbox\/big-upload\/[0-9a-f]{64}\.zip) \(7\.\d MB\)\n/.exec(deployed.stdout)?.[1];
  assert.ok(key, deployed.stdout);
  assert.match(deployed.stdout, /creating big-upload in ap-guangzhou\/default \(code from cos:\/\/faasbox-code-1250000000\/faasbox\/big-upload\/[0-9a-f]{64}\.zip\)\n/);
  assert.match(deployed.stdout, /deployed big-upload to SCF \(ap-guangzhou\)/);
  const stored = cos.buckets.object(COS_BUCKET, "ap-guangzhou", key)!;
  assert.ok(stored.length > 7_500_000);
  assert.deepEqual(scf.uploads.filter((u) => u.functionName === "big-upload").map((u) => [u.source, u.sha256]), [["Cos", createHash("sha256").update(stored).digest("hex")]]);
  assertNoSecrets(deployed.all);
});
