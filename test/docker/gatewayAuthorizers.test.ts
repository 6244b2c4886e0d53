// Authorizers and API keys with real functions in containers: a Lambda authorizer of the same
// project allowing and denying with its context reaching the handler, a JWT-protected HTTP API
// route checked against a JWKS this test makes, an API-key-protected REST route.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { Daemon } from "../../emulator/daemon/daemon";
import { requireDocker } from "../helpers/docker";
import { startDaemon } from "../helpers/control";

describe("gateway authorizers", () => {
  let daemon: Daemon;
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  const saved = { jwks: process.env.FAASBOX_JWKS, keys: process.env.FAASBOX_API_KEYS };

  before(async () => {
    await requireDocker();
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const file = join(mkdtempSync(join(tmpdir(), "faasbox-jwks-")), "jwks.json");
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "test", alg: "ES256" }] }));
    sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "test" }).setIssuedAt().setExpirationTime("5m").sign(privateKey);
    // The user's local settings: read by the gateway when it starts.
    process.env.FAASBOX_JWKS = file;
    process.env.FAASBOX_API_KEYS = "local-key";
    daemon = await startDaemon("gateway-auth");
  });
  after(async () => {
    await daemon?.shutdown();
    for (const [name, value] of [["FAASBOX_JWKS", saved.jwks], ["FAASBOX_API_KEYS", saved.keys]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  // Each route at the URL the gateway serves it on (a REST API under its stage: apiMount.ts).
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const route = daemon.triggers().routes.find((r) => r.path === path);
    assert.ok(route, `a route ${path}`);
    const response = await fetch(route.url, { headers });
    return { status: response.status, body: await response.text() };
  };

  test("REST Lambda TOKEN authorizer: no token 401, Allow reaches the handler with principalId and context, Deny 403, Unauthorized 401", async () => {
    assert.deepEqual(await get("/guarded"), { status: 401, body: '{"message":"Unauthorized"}' });
    const allowed = await get("/guarded", { Authorization: "allow" });
    assert.equal(allowed.status, 200);
    const { authorizer } = JSON.parse(allowed.body);
    assert.equal(typeof authorizer.integrationLatency, "number");
    assert.deepEqual({ ...authorizer, integrationLatency: 0 }, { principalId: "user-42", tenant: "acme", tier: "2", integrationLatency: 0 });
    assert.deepEqual(await get("/guarded", { Authorization: "deny" }), { status: 403, body: '{"message":"User is not authorized to access this resource with an explicit deny"}' });
    assert.deepEqual(await get("/guarded", { Authorization: "who" }), { status: 401, body: '{"message":"Unauthorized"}' });
  });

  test("HTTP API JWT authorizer: a token signed by the JWKS passes with its claims in requestContext.authorizer.jwt; others 401", async () => {
    const token = await sign({ iss: "https://issuer.test", aud: "app", sub: "u-7" });
    const ok = await get("/jwt", { Authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).authorizer.jwt.claims.sub, "u-7");
    assert.deepEqual(await get("/jwt"), { status: 401, body: '{"message":"Unauthorized"}' });
    assert.deepEqual(await get("/jwt", { Authorization: await sign({ iss: "https://issuer.test", aud: "other" }) }), { status: 401, body: '{"message":"Unauthorized"}' });
  });

  test("REST API key: missing or unknown 403 Forbidden, a local key passes", async () => {
    assert.deepEqual(await get("/keyed"), { status: 403, body: '{"message":"Forbidden"}' });
    assert.deepEqual(await get("/keyed", { "x-api-key": "wrong" }), { status: 403, body: '{"message":"Forbidden"}' });
    const ok = await get("/keyed", { "x-api-key": "local-key" });
    assert.deepEqual([ok.status, JSON.parse(ok.body)], [200, { authorizer: null }]);
  });
});
