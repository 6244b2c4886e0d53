import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createCosStore } from "../../../emulator/deploy/cosStore";
import { createS3Store } from "../../../emulator/deploy/s3Store";
import { FakeCos } from "../../helpers/fakeClouds/fakeCos";
import { FakeS3 } from "../../helpers/fakeClouds/fakeS3";
import { SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "../../helpers/fakeClouds/fakeScf";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_SECRET_ACCESS_KEY } from "../../helpers/fakeClouds/fakeLambda";
import { replay, startRecorder } from "../../helpers/fakeClouds/recordReplay";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { createScfClient } from "../../../emulator/deploy/scfClient";
import { FakeScf } from "../../helpers/fakeClouds/fakeScf";
import { AWS_TEST_ROLE, FakeLambda } from "../../helpers/fakeClouds/fakeLambda";

let cos: FakeCos;
let s3: FakeS3;
let recorder: Awaited<ReturnType<typeof startRecorder>>;

before(async () => {
  cos = await new FakeCos().start();
  cos.buckets.create("faasbox-code-1250000000", "ap-guangzhou");
  s3 = await new FakeS3().start();
  s3.buckets.create("faasbox-code-eu", "eu-west-1");
  // A 4xx answer, so that neither SDK retries and each records exactly one request.
  recorder = await startRecorder(400, "<Error><Code>InvalidRequest</Code><Message>recorded</Message></Error>");
});
after(async () => {
  await Promise.all([cos.close(), s3.close(), recorder.close()]);
});

const ZIP = Buffer.from("504b0506000000000000000000000000000000000000", "hex");

test("the COS SDK's upload is what the fake COS checks: a q-sign-algorithm=sha1 signature over the host; changes and old signatures are refused as COS does", async () => {
  recorder.recorded.length = 0;
  const store = createCosStore({ credentials: { secretId: SCF_TEST_SECRET_ID, secretKey: SCF_TEST_SECRET_KEY }, bucket: "faasbox-code-1250000000", region: "ap-guangzhou", identity: "test", endpoint: recorder.url });
  await store.put("faasbox/fn/abc.zip", ZIP).catch(() => undefined);
  const raw = recorder.recorded[0];
  assert.equal(raw.method, "PUT");
  assert.equal(raw.path, "/faasbox/fn/abc.zip");
  assert.equal(raw.headers.host, "faasbox-code-1250000000.cos.ap-guangzhou.myqcloud.com");
  assert.match(raw.headers.authorization, /^q-sign-algorithm=sha1&q-ak=AKIDfaasboxTESTsecretID0000000001&q-sign-time=\d+;\d+&q-key-time=\d+;\d+&q-header-list=[a-z;-]*host[a-z;-]*&q-url-param-list=[^&]*&q-signature=[0-9a-f]{40}$/);

  const exact = await replay(cos.url, raw);
  assert.equal(exact.status, 200);
  assert.match(String(exact.headers["x-cos-request-id"]), /.+/);
  assert.deepEqual(cos.buckets.object("faasbox-code-1250000000", "ap-guangzhou", "faasbox/fn/abc.zip"), ZIP);

  // Another key: the path is signed. COS answers its XML error.
  const otherKey = await replay(cos.url, raw, { path: "/faasbox/fn/other.zip" });
  assert.equal(otherKey.status, 403);
  assert.equal(otherKey.headers["content-type"], "application/xml");
  assert.match(otherKey.body, /^<\?xml version='1\.0' encoding='utf-8' \?><Error><Code>SignatureDoesNotMatch<\/Code><Message>The Signature you specified is invalid\.<\/Message><Resource>.*<\/Resource><RequestId>.+<\/RequestId><TraceId>.+<\/TraceId><\/Error>$/);

  // Another bucket: the host is signed.
  const otherBucket = await replay(cos.url, raw, { headers: { ...raw.headers, host: "someone-else-1250000001.cos.ap-guangzhou.myqcloud.com" } });
  assert.match(otherBucket.body, /<Code>SignatureDoesNotMatch<\/Code>/);

  // A signature whose validity ended an hour ago.
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  const stale = raw.headers.authorization.replace(/q-sign-time=\d+;\d+&q-key-time=\d+;\d+/, `q-sign-time=${hourAgo - 900};${hourAgo}&q-key-time=${hourAgo - 900};${hourAgo}`);
  const expired = await replay(cos.url, raw, { headers: { ...raw.headers, authorization: stale } });
  assert.equal(expired.status, 403);
  assert.match(expired.body, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);

  // HEAD answers have no body, as HTTP requires.
  const head = createCosStore({ credentials: { secretId: SCF_TEST_SECRET_ID, secretKey: SCF_TEST_SECRET_KEY }, bucket: "faasbox-code-1250000000", region: "ap-guangzhou", identity: "test", endpoint: cos.url });
  assert.equal(await head.exists("faasbox/fn/abc.zip"), true);
  assert.equal(await head.exists("faasbox/fn/absent.zip"), false);
});

test("the S3 client's upload is what the fake S3 checks: path-style, SigV4 for s3 in the bucket's region, the payload hash; changes are refused as S3 does", async () => {
  recorder.recorded.length = 0;
  const store = createS3Store({
    credentials: { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY },
    bucket: "faasbox-code-eu",
    region: "eu-west-1",
    identity: "test",
    secrets: [],
    endpoint: recorder.url,
  });
  await store.put("faasbox/fn/abc.zip", ZIP).catch(() => undefined);
  const raw = recorder.recorded[0];
  assert.equal(raw.method, "PUT");
  assert.match(raw.path, /^\/faasbox-code-eu\/faasbox\/fn\/abc\.zip(\?|$)/);
  assert.match(raw.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIAFAASBOXTEST00042\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/);

  const exact = await replay(s3.url, raw);
  assert.equal(exact.status, 200);
  assert.deepEqual(s3.buckets.object("faasbox-code-eu", "eu-west-1", "faasbox/fn/abc.zip"), ZIP);

  const otherKey = await replay(s3.url, raw, { path: raw.path.replace("abc.zip", "other.zip") });
  assert.equal(otherKey.status, 403);
  assert.match(otherKey.body, /<Error><Code>SignatureDoesNotMatch<\/Code>/);

  // The body no longer matches the hash the signature covers.
  const otherBody = await replay(s3.url, raw, { body: Buffer.from(ZIP.map((b, i) => (i === 0 ? b ^ 1 : b))) });
  assert.equal(otherBody.status, 400);
  assert.match(otherBody.body, /<Code>XAmzContentSHA256Mismatch<\/Code>/);

  // A bucket in another region than the signature's: S3 says which region to use.
  s3.buckets.create("faasbox-code-us", "us-east-1");
  const wrongRegion = await createS3Store({
    credentials: { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY },
    bucket: "faasbox-code-us",
    region: "eu-west-1",
    identity: "test",
    secrets: [],
    endpoint: s3.url,
  })
    .put("faasbox/fn/abc.zip", ZIP)
    .then(
      () => undefined,
      (e: unknown) => e as Error,
    );
  assert.match(String(wrongRegion?.message), /the S3 bucket faasbox-code-us is not in eu-west-1 \(AuthorizationHeaderMalformed\)/);
});

test("the fake SCF and Lambda take code from a bucket only when it holds that object, and only a zip", async () => {
  const scf = await new FakeScf({ transitionMs: 50, cos: cos.buckets }).start();
  const lambda = await new FakeLambda({ transitionMs: 50, s3: s3.buckets }).start();
  try {
    cos.buckets.bucket("faasbox-code-1250000000", "ap-guangzhou")!.set("faasbox/fn/abc.zip", ZIP).set("faasbox/fn/text.zip", Buffer.from("not a zip"));
    s3.buckets.bucket("faasbox-code-eu", "eu-west-1")!.set("faasbox/fn/abc.zip", ZIP);
    s3.buckets.create("faasbox-code-us", "us-east-1").bucket("faasbox-code-us", "us-east-1")!.set("faasbox/fn/abc.zip", ZIP);
    const client = createScfClient({ secretId: SCF_TEST_SECRET_ID, secretKey: SCF_TEST_SECRET_KEY }, "ap-guangzhou", scf.url);
    const create = (code: Record<string, string>) =>
      client.CreateFunction({ FunctionName: "from-cos", Runtime: "Nodejs18.15", Handler: "index.main_handler", Code: code, CodeSource: "Cos" }).then(
        () => "created",
        (e: { code?: string }) => e.code,
      );
    const where = { CosBucketName: "faasbox-code", CosBucketRegion: "ap-guangzhou" };
    assert.equal(await create({ ...where, CosObjectName: "/faasbox/fn/absent.zip" }), "ResourceNotFound.Cos");
    assert.equal(await create({ ...where, CosObjectName: "faasbox/fn/abc.zip" }), "InvalidParameterValue.CosObjectName");
    assert.equal(await create({ ...where, CosBucketName: "faasbox-code-1250000000", CosObjectName: "/faasbox/fn/abc.zip" }), "ResourceNotFound.Cos");
    assert.equal(await create({ ...where, CosBucketRegion: "ap-shanghai", CosObjectName: "/faasbox/fn/abc.zip" }), "ResourceNotFound.Cos");
    assert.equal(await create({ ...where, CosObjectName: "/faasbox/fn/text.zip" }), "InvalidParameterValue.Cos");
    assert.equal(await create({ ...where, CosObjectName: "/faasbox/fn/abc.zip" }), "created");

    const aws = new LambdaClient({ region: "eu-west-1", endpoint: lambda.url, maxAttempts: 1, credentials: { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY } });
    const fromS3 = (S3Bucket: string, S3Key: string) =>
      aws.send(new CreateFunctionCommand({ FunctionName: "from-s3", Role: AWS_TEST_ROLE, Runtime: "nodejs20.x", Handler: "a.b", Code: { S3Bucket, S3Key } })).then(
        () => "created",
        (e: Error) => `${e.name}: ${e.message}`,
      );
    assert.match(await fromS3("faasbox-code-eu", "faasbox/fn/absent.zip"), /^InvalidParameterValueException: Error occurred while GetObject\. S3 Error Code: NoSuchKey/);
    assert.match(await fromS3("faasbox-code-us", "faasbox/fn/abc.zip"), /S3 Error Code: PermanentRedirect\. S3 Error Message: The bucket is in this region: us-east-1/);
    assert.match(await fromS3("no-such-bucket", "faasbox/fn/abc.zip"), /S3 Error Code: NoSuchBucket/);
    assert.equal(await fromS3("faasbox-code-eu", "faasbox/fn/abc.zip"), "created");
    assert.equal(lambda.uploads.at(-1)?.source, "S3");
  } finally {
    await Promise.all([scf.close(), lambda.close()]);
  }
});
