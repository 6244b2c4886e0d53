import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { GetFunctionCommand, LambdaClient, UpdateFunctionConfigurationCommand, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { createScfClient } from "../../../emulator/deploy/scfClient";
import { FakeScf, SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "../../helpers/fakeClouds/fakeScf";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_ROLE, AWS_TEST_SECRET_ACCESS_KEY, FakeLambda } from "../../helpers/fakeClouds/fakeLambda";
import { replay, startRecorder, type RawRequest } from "../../helpers/fakeClouds/recordReplay";

let scf: FakeScf;
let lambda: FakeLambda;
let recorder: Awaited<ReturnType<typeof startRecorder>>;

before(async () => {
  scf = await new FakeScf({ transitionMs: 2000 }).start();
  lambda = await new FakeLambda({ transitionMs: 2000 }).start();
  recorder = await startRecorder(500);
});
after(async () => {
  await Promise.all([scf.close(), lambda.close(), recorder.close()]);
});

async function recordScf(action: (client: ReturnType<typeof createScfClient>) => Promise<unknown>): Promise<RawRequest> {
  recorder.recorded.length = 0;
  await action(createScfClient({ secretId: SCF_TEST_SECRET_ID, secretKey: SCF_TEST_SECRET_KEY }, "ap-guangzhou", recorder.url)).catch(() => undefined);
  return recorder.recorded[0];
}

async function recordLambda(send: (client: LambdaClient) => Promise<unknown>): Promise<RawRequest> {
  recorder.recorded.length = 0;
  const client = new LambdaClient({ region: "us-east-1", endpoint: recorder.url, maxAttempts: 1, credentials: { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY } });
  await send(client).catch(() => undefined);
  return recorder.recorded[0];
}

test("the SDK's SCF request is what the fake expects: POST / to scf.tencentcloudapi.com with X-TC-* headers and TC3 over content-type;host", async () => {
  const raw = await recordScf((c) => c.GetFunction({ FunctionName: "absent", Namespace: "default" }));
  assert.equal(raw.method, "POST");
  assert.equal(raw.path, "/");
  assert.equal(raw.headers.host, "scf.tencentcloudapi.com");
  assert.equal(raw.headers["content-type"], "application/json");
  assert.equal(raw.headers["x-tc-action"], "GetFunction");
  assert.equal(raw.headers["x-tc-version"], "2018-04-16");
  assert.equal(raw.headers["x-tc-region"], "ap-guangzhou");
  assert.match(raw.headers["x-tc-timestamp"], /^\d{10}$/);
  assert.match(raw.headers.authorization, /^TC3-HMAC-SHA256 Credential=AKIDfaasboxTESTsecretID0000000001\/\d{4}-\d{2}-\d{2}\/scf\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/);
  assert.deepEqual(JSON.parse(raw.body.toString()), { FunctionName: "absent", Namespace: "default" });

  // Replayed as sent, the fake verifies it and answers SCF's documented not-found error.
  const exact = await replay(scf.url, raw);
  assert.equal(exact.status, 200);
  assert.equal(JSON.parse(exact.body).Response.Error.Code, "ResourceNotFound.Function");

  // One byte of the body changed: the signature no longer matches.
  const tampered = await replay(scf.url, raw, { body: Buffer.from(raw.body.toString().replace("absent", "absenT")) });
  assert.deepEqual(Object.keys(JSON.parse(tampered.body).Response).sort(), ["Error", "RequestId"]);
  assert.equal(JSON.parse(tampered.body).Response.Error.Code, "AuthFailure.SignatureFailure");

  // A signature ten minutes old is expired, as SCF allows 5 minutes of clock difference.
  const stale = await replay(scf.url, raw, { headers: { ...raw.headers, "x-tc-timestamp": String(Number(raw.headers["x-tc-timestamp"]) - 600) } });
  assert.equal(JSON.parse(stale.body).Response.Error.Code, "AuthFailure.SignatureExpire");
});

test("the SCF fake refuses unknown parameters, a non-zip ZipFile and changes while a function is not Active", async () => {
  const client = createScfClient({ secretId: SCF_TEST_SECRET_ID, secretKey: SCF_TEST_SECRET_KEY }, "ap-guangzhou", scf.url);
  await assert.rejects(client.GetFunction({ FunctionName: "x", Bogus: 1 } as never), (e: { code?: string }) => e.code === "UnknownParameter");
  await assert.rejects(
    client.CreateFunction({ FunctionName: "not-a-zip", Runtime: "Nodejs18.15", Code: { ZipFile: Buffer.from("plain text").toString("base64") } }),
    (e: { code?: string }) => e.code === "InvalidParameterValue.ZipFile",
  );
  const emptyZip = Buffer.from("504b0506000000000000000000000000000000000000", "hex").toString("base64");
  await client.CreateFunction({ FunctionName: "busy", Runtime: "Nodejs18.15", Handler: "index.main_handler", Code: { ZipFile: emptyZip } });
  await assert.rejects(client.UpdateFunctionConfiguration({ FunctionName: "busy", MemorySize: 256 }), (e: { code?: string }) => e.code === "FailedOperation.UpdateFunctionConfiguration");
  await assert.rejects(client.UpdateFunctionCode({ FunctionName: "busy", ZipFile: emptyZip }), (e: { code?: string }) => e.code === "FailedOperation.UpdateFunctionCode");
  assert.equal((await client.GetFunction({ FunctionName: "busy" })).Status, "Creating");
});

test("the SDK's Lambda request is what the fake expects: REST path, SigV4 for lambda in the region, and a tampered one is refused", async () => {
  const raw = await recordLambda((c) => c.send(new GetFunctionCommand({ FunctionName: "absent" })));
  assert.equal(raw.method, "GET");
  assert.equal(raw.path, "/2015-03-31/functions/absent");
  assert.match(raw.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIAFAASBOXTEST00042\/\d{8}\/us-east-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*host;[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);

  const exact = await replay(lambda.url, raw, { headers: { ...raw.headers } });
  assert.equal(exact.status, 404);
  assert.equal(exact.headers["x-amzn-errortype"], "ResourceNotFoundException");
  assert.match(JSON.parse(exact.body).message, /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:absent$/);

  const otherPath = await replay(lambda.url, raw, { path: "/2015-03-31/functions/other" });
  assert.equal(otherPath.status, 403);
  assert.equal(otherPath.headers["x-amzn-errortype"], "InvalidSignatureException");
  assert.match(JSON.parse(otherPath.body).message, /^The request signature we calculated does not match the signature you provided/);

  const post = await recordLambda((c) =>
    c.send(new CreateFunctionCommand({ FunctionName: "signed-body", Role: AWS_TEST_ROLE, Runtime: "nodejs20.x", Handler: "a.b", Code: { ZipFile: Buffer.from("x") } })),
  );
  assert.equal(post.path, "/2015-03-31/functions");
  assert.equal(JSON.parse(post.body.toString()).Code.ZipFile, Buffer.from("x").toString("base64"));
  // The SDK declares the body's hash in x-amz-content-sha256: a changed body no longer matches it,
  // and a hash recomputed for the changed body no longer matches the signature.
  const tamperedBody = Buffer.from(post.body.toString().replace("signed-body", "signed-bodx"));
  const changedBody = await replay(lambda.url, post, { body: tamperedBody });
  assert.equal(changedBody.headers["x-amzn-errortype"], "InvalidSignatureException");
  const rehashed = await replay(lambda.url, post, {
    body: tamperedBody,
    headers: { ...post.headers, "x-amz-content-sha256": createHash("sha256").update(tamperedBody).digest("hex") },
  });
  assert.equal(rehashed.status, 403);
  assert.equal(rehashed.headers["x-amzn-errortype"], "InvalidSignatureException");
});

test("the Lambda fake refuses an update while one is in progress, and a zip it cannot unzip", async () => {
  const client = new LambdaClient({ region: "us-east-1", endpoint: lambda.url, maxAttempts: 1, credentials: { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY } });
  await assert.rejects(
    client.send(new CreateFunctionCommand({ FunctionName: "bad-zip", Role: AWS_TEST_ROLE, Runtime: "nodejs20.x", Handler: "a.b", Code: { ZipFile: Buffer.from("not a zip") } })),
    (e: Error) => e.name === "InvalidParameterValueException" && /Could not unzip uploaded file/.test(e.message),
  );
  const emptyZip = Buffer.from("504b0506000000000000000000000000000000000000", "hex");
  const created = await client.send(new CreateFunctionCommand({ FunctionName: "pending", Role: AWS_TEST_ROLE, Runtime: "nodejs20.x", Handler: "a.b", Code: { ZipFile: emptyZip } }));
  assert.equal(created.State, "Pending");
  await assert.rejects(
    client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "pending", MemorySize: 256 })),
    (e: Error) => e.name === "ResourceConflictException" && /currently in the following state: Pending/.test(e.message),
  );
});
