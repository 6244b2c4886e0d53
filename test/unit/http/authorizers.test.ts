// Authorizers and API keys in front of routes, over real HTTP with a fake target: Lambda
// authorizers (REST TOKEN/REQUEST, HTTP 2.0 simple), their cache, IAM policies, JWTs checked
// against a JWKS this test makes, API keys; exact refusal statuses and bodies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { HttpGateway, type GatewayTarget } from "../../../emulator/triggers/http/httpGateway";
import type { InvocationReport } from "../../../emulator/core/invoke/invocationReport";
import type { HttpRoute, RouteAuth } from "../../../emulator/protocol";
import { evaluatePolicy } from "../../../emulator/triggers/http/authorizers/iamPolicy";
import type { LocalAuthSettings } from "../../../emulator/triggers/http/authorizers/localAuthSettings";
import { functionSpec } from "../../helpers/specs";

type After = { after(fn: () => unknown): void };

/** `handler` serves every route; `authorizer` answers as `authorize` says and records its events. */
async function gateway(t: After, routes: HttpRoute[], authorize: (event: any) => unknown, auth: LocalAuthSettings = { apiKeys: [] }) {
  const functions = [functionSpec({ name: "handler", triggers: routes }), functionSpec({ name: "authorizer", triggers: [] })];
  const calls: any[] = [];
  const target: GatewayTarget = {
    functions: () => functions,
    invoke: async (name, bytes) => {
      const event = JSON.parse(bytes.toString());
      const report: InvocationReport = { requestId: "r", function: name, ok: true, logs: [], timings: { durationMs: 1, billedMs: 1, cold: false, queuedMs: 0 }, memory: { sizeMb: 128 } };
      if (name === "handler") return { ...report, payload: Buffer.from(JSON.stringify({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer ?? null) })) };
      calls.push(event);
      const answer = authorize(event);
      if (answer instanceof Error) return { ...report, ok: false, errorKind: "function", error: { errorType: "Error", errorMessage: answer.message } };
      return { ...report, payload: Buffer.from(JSON.stringify(answer)) };
    },
    publish: async () => 0,
  };
  const http = new HttpGateway(target, { port: 0, auth });
  const { port } = await http.listen();
  t.after(() => http.close());
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
    return { status: response.status, body: await response.text(), error: response.headers.get("x-faasbox-error") };
  };
  return { get, calls };
}

const rest = (path: string, auth: Omit<RouteAuth, "apiKind" | "region">): HttpRoute => ({ kind: "http", method: "GET", path, payload: "aws-v1", auth: { apiKind: "rest", region: "eu-west-1", ...auth } });
const http2 = (path: string, auth: Omit<RouteAuth, "apiKind" | "region">): HttpRoute => ({ kind: "http", method: "GET", path, payload: "aws-v2", auth: { apiKind: "http", region: "eu-west-1", ...auth } });

const policy = (effect: string, resource: string, context: Record<string, unknown> = {}) => ({
  principalId: "user-1", policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }] }, context,
});

test("IAM policies: explicit Deny wins, Allow matches with * and ?, anything else is the implicit deny", () => {
  const arn = "arn:aws:execute-api:eu-west-1:123456789012:api/dev/GET/pets/1";
  const doc = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });
  assert.equal(evaluatePolicy(doc({ Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:api/dev/GET/*" }), arn), "allow");
  assert.equal(evaluatePolicy(doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "execute-api:*", Resource: arn }), arn), "explicit-deny");
  assert.equal(evaluatePolicy(doc({ Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:api/dev/POST/*" }), arn), "implicit-deny");
  assert.equal(evaluatePolicy(doc({ Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:api/dev/GET/pets/?" }), arn), "allow");
  assert.equal(evaluatePolicy({ Statement: "nope" }, arn), undefined);
});

test("REST TOKEN: no token or one not matching the expression is 401 without invoking; Allow reaches the handler with context and principalId; Deny is 403", async (t) => {
  const authorizer = { kind: "lambda" as const, name: "Tok", function: "authorizer", type: "TOKEN" as const, ttlSec: 300, identitySources: [{ from: "header" as const, name: "Authorization" }], validationExpression: "tok-.*" };
  const { get, calls } = await gateway(t, [rest("/pets/{id}", { authorizer })], (event) =>
    event.authorizationToken === "tok-deny" ? policy("Deny", "*") : event.authorizationToken === "tok-bad" ? new Error("Unauthorized") : policy("Allow", "arn:aws:execute-api:eu-west-1:123456789012:*/GET/pets/*", { role: "admin", level: 3 }),
  );
  assert.deepEqual(await get("/pets/1"), { status: 401, body: '{"message":"Unauthorized"}', error: "authorizer Tok: identity source missing (header Authorization)" });
  assert.equal((await get("/pets/1", { authorization: "nope" })).status, 401);
  assert.equal(calls.length, 0);
  const allowed = await get("/pets/1", { authorization: "tok-ok" });
  assert.equal(allowed.status, 200);
  const context = JSON.parse(allowed.body);
  assert.deepEqual({ ...context, integrationLatency: 0 }, { role: "admin", level: "3", principalId: "user-1", integrationLatency: 0 });
  assert.deepEqual(calls[0], { type: "TOKEN", authorizationToken: "tok-ok", methodArn: "arn:aws:execute-api:eu-west-1:123456789012:faasbox/Prod/GET/pets/1" });
  // Cached by token: the same token does not run the authorizer again, and the cached policy is judged against the new ARN.
  assert.equal((await get("/pets/2", { authorization: "tok-ok" })).status, 200);
  assert.equal(calls.length, 1);
  assert.deepEqual(await get("/pets/1", { authorization: "tok-deny" }), { status: 403, body: '{"message":"User is not authorized to access this resource with an explicit deny"}', error: "authorizer Tok's policy denies arn:aws:execute-api:eu-west-1:123456789012:faasbox/Prod/GET/pets/1" });
  assert.deepEqual((await get("/pets/1", { authorization: "tok-bad" })).body, '{"message":"Unauthorized"}');
});

test("REST REQUEST: identity sources from headers and query strings, the implicit deny, and a broken authorizer's 500", async (t) => {
  const authorizer = { kind: "lambda" as const, name: "Req", function: "authorizer", type: "REQUEST" as const, ttlSec: 0, identitySources: [{ from: "header" as const, name: "X-User" }, { from: "query" as const, name: "tenant" }] };
  const { get, calls } = await gateway(t, [rest("/r", { authorizer })], (event) =>
    event.headers["X-User"] === "broken" ? { principalId: "x" } : policy("Allow", event.headers["X-User"] === "alice" ? event.methodArn : "arn:aws:execute-api:*:*:*/*/POST/*"),
  );
  assert.equal((await get("/r", { "X-User": "alice" })).status, 401, "the query string source is missing");
  assert.equal((await get("/r?tenant=t1", { "X-User": "alice" })).status, 200);
  assert.equal(calls[0].type, "REQUEST");
  assert.equal(calls[0].methodArn, "arn:aws:execute-api:eu-west-1:123456789012:faasbox/Prod/GET/r");
  assert.deepEqual(calls[0].queryStringParameters, { tenant: "t1" });
  assert.equal("body" in calls[0], false);
  assert.deepEqual(await get("/r?tenant=t1", { "X-User": "bob" }), { status: 403, body: '{"message":"User is not authorized to access this resource"}', error: "authorizer Req's policy does not allow arn:aws:execute-api:eu-west-1:123456789012:faasbox/Prod/GET/r" });
  assert.equal(calls.length, 2, "TTL 0: every request runs the authorizer");
  const broken = await get("/r?tenant=t1", { "X-User": "broken" });
  assert.deepEqual([broken.status, broken.body], [500, '{"message":null}']);
});

test("HTTP API 2.0 simple responses: context lands in requestContext.authorizer.lambda; isAuthorized false is 403 Forbidden", async (t) => {
  const authorizer = { kind: "lambda" as const, name: "Simple", function: "authorizer", type: "REQUEST" as const, payloadVersion: "2.0" as const, simpleResponses: true, ttlSec: 0, identitySources: [{ from: "header" as const, name: "Authorization" }] };
  const { get, calls } = await gateway(t, [http2("/h", { authorizer })], (event) => ({ isAuthorized: event.headers.authorization === "yes", context: { user: { id: 7 } } }));
  assert.deepEqual(await get("/h"), { status: 401, body: '{"message":"Unauthorized"}', error: "authorizer Simple: identity source missing (header Authorization)" });
  const ok = await get("/h", { authorization: "yes" });
  assert.deepEqual([ok.status, JSON.parse(ok.body)], [200, { lambda: { user: { id: 7 } } }]);
  assert.equal(calls[0].version, "2.0");
  assert.deepEqual(calls[0].identitySource, ["yes"]);
  assert.equal(calls[0].routeArn, "arn:aws:execute-api:eu-west-1:123456789012:faasbox/$default/GET/h");
  assert.deepEqual(await get("/h", { authorization: "no" }), { status: 403, body: '{"message":"Forbidden"}', error: "authorizer Simple answered isAuthorized: false" });
});

async function signer() {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const dir = mkdtempSync(join(tmpdir(), "faasbox-jwks-"));
  const file = join(dir, "jwks.json");
  writeFileSync(file, JSON.stringify({ keys: [jwk] }));
  const sign = (claims: Record<string, unknown>, expiresIn: string | number = "5m", key = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).setIssuedAt().setExpirationTime(expiresIn).sign(key);
  return { file, sign, other: (await generateKeyPair("RS256")).privateKey };
}

test("HTTP API JWT: signature against the user's JWKS, issuer, audience or client_id, expiry, scopes; claims reach requestContext.authorizer.jwt", async (t) => {
  const keys = await signer();
  const authorizer = { kind: "jwt" as const, name: "Jwt", cognito: false, issuers: ["https://issuer.test"], audiences: ["app"], identitySource: { from: "header" as const, name: "Authorization" } };
  const { get } = await gateway(t, [http2("/j", { authorizer }), http2("/scoped", { authorizer, scopes: ["admin"] })], () => null, { jwks: keys.file, apiKeys: [] });
  const good = await keys.sign({ iss: "https://issuer.test", aud: "app", sub: "u1", scope: "read write" });
  const ok = await get("/j", { authorization: `Bearer ${good}` });
  assert.equal(ok.status, 200);
  const context = JSON.parse(ok.body);
  assert.equal(context.jwt.claims.sub, "u1");
  assert.equal(typeof context.jwt.claims.exp, "string");
  assert.deepEqual(context.jwt.scopes, ["read", "write"]);
  assert.equal((await get("/j", { authorization: await keys.sign({ iss: "https://issuer.test", client_id: "app" }) })).status, 200, "client_id stands for aud");
  const refusals = {
    none: await get("/j"),
    issuer: await get("/j", { authorization: await keys.sign({ iss: "https://other.test", aud: "app" }) }),
    audience: await get("/j", { authorization: await keys.sign({ iss: "https://issuer.test", aud: "other" }) }),
    expired: await get("/j", { authorization: await keys.sign({ iss: "https://issuer.test", aud: "app" }, Math.floor(Date.now() / 1000) - 10) }),
    signature: await get("/j", { authorization: await keys.sign({ iss: "https://issuer.test", aud: "app" }, "5m", keys.other) }),
  };
  for (const [why, reply] of Object.entries(refusals)) assert.deepEqual([why, reply.status, reply.body], [why, 401, '{"message":"Unauthorized"}']);
  assert.match(refusals.signature.error!, /signature does not verify/);
  assert.deepEqual(await get("/scoped", { authorization: `Bearer ${good}` }), { status: 403, body: '{"message":"Forbidden"}', error: "authorizer Jwt: the token has none of the route's scopes admin" });
});

test("REST Cognito without a JWKS: claims still checked (ID token of the pool), signature not; claims reach requestContext.authorizer.claims", async (t) => {
  const keys = await signer();
  const authorizer = { kind: "jwt" as const, name: "Pool", cognito: true, issuers: ["https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A"], identitySource: { from: "header" as const, name: "Authorization" } };
  const { get } = await gateway(t, [rest("/c", { authorizer })], () => null);
  const idToken = await keys.sign({ iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A", token_use: "id", "cognito:username": "ann" }, "5m", keys.other);
  const ok = await get("/c", { authorization: idToken });
  assert.equal(ok.status, 200);
  assert.equal(JSON.parse(ok.body).claims["cognito:username"], "ann");
  const access = await keys.sign({ iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A", token_use: "access" });
  assert.deepEqual((await get("/c", { authorization: access })).status, 401);
});

test("REST API keys: missing or unknown x-api-key is 403 Forbidden, a known one passes", async (t) => {
  const { get } = await gateway(t, [rest("/k", { apiKeyRequired: true })], () => null, { apiKeys: ["k1", "k2"] });
  assert.deepEqual(await get("/k"), { status: 403, body: '{"message":"Forbidden"}', error: "no x-api-key header" });
  assert.deepEqual(await get("/k", { "x-api-key": "nope" }), { status: 403, body: '{"message":"Forbidden"}', error: "the API key is not one of FAASBOX_API_KEYS" });
  assert.equal((await get("/k", { "x-api-key": "k2" })).status, 200);
});
