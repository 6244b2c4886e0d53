// The AWS_IAM check of a function URL against requests signed by the signer the AWS SDKs use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { checkSigV4, NodeSha256, type SignedRequest, type SigningCredentials } from "../../../emulator/triggers/functionUrls/sigv4Check";

const LOCAL: SigningCredentials = { accessKeyId: "AKIAFAASBOXTEST00001", secretAccessKey: "local/secret+key" };
const REGION = "eu-west-1";
const NOW = new Date(Date.UTC(2026, 4, 6, 7, 8, 9));

/** A request as a client signs it with the SDK's signer, then as the listener receives it. */
async function signed(options: { credentials?: SigningCredentials; region?: string; service?: string; date?: Date; body?: string; applyChecksum?: boolean } = {}): Promise<SignedRequest> {
  const body = options.body ?? '{"order":42}';
  const signer = new SignatureV4({
    service: options.service ?? "lambda", region: options.region ?? REGION, sha256: NodeSha256,
    credentials: options.credentials ?? LOCAL, applyChecksum: options.applyChecksum,
  });
  const request = await signer.sign(
    { method: "POST", protocol: "http:", hostname: "127.0.0.1", port: 4321, path: "/orders/a%20b", query: { page: "2", tag: ["x", "y z"] }, headers: { host: "127.0.0.1:4321", "content-type": "application/json" }, body },
    { signingDate: options.date ?? NOW },
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
  return { method: "POST", path: "/orders/a%20b", rawQuery: "page=2&tag=x&tag=y%20z", headers, body: Buffer.from(body) };
}

test("a request signed by the SDK's signer with the local keys passes, with or without a signed content hash", async () => {
  assert.deepEqual(await checkSigV4(await signed(), REGION, LOCAL, NOW), { ok: true, accessKeyId: LOCAL.accessKeyId });
  assert.deepEqual(await checkSigV4(await signed({ applyChecksum: false }), REGION, LOCAL, NOW), { ok: true, accessKeyId: LOCAL.accessKeyId });
});

test("a changed body is refused: by the signed content hash, and by the signature itself without one", async () => {
  for (const applyChecksum of [true, false]) {
    const request = await signed({ applyChecksum });
    const outcome = await checkSigV4({ ...request, body: Buffer.from('{"order":43}') }, REGION, LOCAL, NOW);
    assert.equal(outcome.ok, false);
    if (outcome.ok) continue;
    assert.equal(outcome.status, 403);
    assert.equal(outcome.errorType, "InvalidSignatureException");
    assert.match(outcome.body.message, /^The request signature we calculated does not match the signature you provided/);
  }
});

test("a changed path, query or signed header is refused", async () => {
  const request = await signed();
  for (const changed of [{ ...request, path: "/orders/other" }, { ...request, rawQuery: "page=3&tag=x&tag=y%20z" }, { ...request, headers: { ...request.headers, "content-type": "text/plain" } }]) {
    const outcome = await checkSigV4(changed, REGION, LOCAL, NOW);
    assert.equal(outcome.ok, false);
  }
});

test("the right key id with the wrong secret is refused as a signature mismatch; an unknown key id as an invalid token", async () => {
  const wrongSecret = await checkSigV4(await signed({ credentials: { ...LOCAL, secretAccessKey: "not-the-secret" } }), REGION, LOCAL, NOW);
  assert.deepEqual(wrongSecret.ok ? undefined : [wrongSecret.status, wrongSecret.errorType], [403, "InvalidSignatureException"]);
  const otherKey = await checkSigV4(await signed({ credentials: { accessKeyId: "AKIAOTHER", secretAccessKey: "x" } }), REGION, LOCAL, NOW);
  assert.deepEqual(otherKey.ok ? undefined : [otherKey.status, otherKey.errorType, otherKey.body], [403, "UnrecognizedClientException", { message: "The security token included in the request is invalid." }]);
});

test("a signature older than 15 minutes is expired; one 14 minutes old passes", async () => {
  const old = await checkSigV4(await signed({ date: new Date(NOW.getTime() - 16 * 60_000) }), REGION, LOCAL, NOW);
  assert.equal(old.ok, false);
  assert.match(old.ok ? "" : old.body.message, /^Signature expired: 20260506T065209Z is now earlier than 20260506T065309Z \(20260506T070809Z - 15 min\.\)$/);
  assert.equal((await checkSigV4(await signed({ date: new Date(NOW.getTime() - 14 * 60_000) }), REGION, LOCAL, NOW)).ok, true);
});

test("a signature for another region or service is refused", async () => {
  for (const options of [{ region: "us-east-1" }, { service: "execute-api" }]) {
    const outcome = await checkSigV4(await signed(options), REGION, LOCAL, NOW);
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? "" : outcome.body.message, /Credential should be scoped to correct service: 'lambda' in region 'eu-west-1'/);
  }
});

test("an unsigned request gets 403 {\"Message\":\"Forbidden\"}; with no local credentials nothing passes", async () => {
  const request = await signed();
  const unsignedHeaders = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== "authorization"));
  const unsigned = await checkSigV4({ ...request, headers: unsignedHeaders }, REGION, LOCAL, NOW);
  assert.deepEqual(unsigned.ok ? undefined : [unsigned.status, unsigned.body, unsigned.errorType], [403, { Message: "Forbidden" }, "AccessDeniedException"]);
  const none = await checkSigV4(request, REGION, undefined, NOW);
  assert.equal(none.ok, false);
  assert.match(none.ok ? "" : none.why, /functions get no AWS credentials/);
});

test("local credentials with a session token require it in X-Amz-Security-Token", async () => {
  const withToken = { ...LOCAL, sessionToken: "token-1" };
  assert.equal((await checkSigV4(await signed({ credentials: withToken }), REGION, withToken, NOW)).ok, true);
  const missing = await checkSigV4(await signed(), REGION, withToken, NOW);
  assert.deepEqual(missing.ok ? undefined : missing.errorType, "UnrecognizedClientException");
});
