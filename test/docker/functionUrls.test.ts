// Lambda function URLs on real containers: a SAM project with a public URL (with CORS for one
// front end), an AWS_IAM URL and a failing function. Plain HTTP gets the payload 2.0 event the
// handler echoes; the AWS_IAM URL takes a request signed by the SDK's signer and refuses an
// unsigned one; headless Chromium on a page of another origin meets the URL's CORS; the CLI lists
// the URLs; a restart keeps them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SignatureV4 } from "@smithy/signature-v4";
import { chromium, type Browser } from "playwright-core";
import { Daemon } from "../../emulator/daemon/daemon";
import type { FunctionUrlInfo } from "../../emulator/protocol";
import { runCliAsync } from "../helpers/cli";
import { chromiumBinary } from "../helpers/codeServer";
import { requireDocker } from "../helpers/docker";
import { copyFixture } from "../helpers/emulator";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http: a test must send the Host, Origin and signed headers exactly. */
function request(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sent = http.request({ host: hostname, port, path, method, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

function cors(answer: Answer): Record<string, unknown> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name.startsWith("access-control-")));
}

/** The SHA-256 the SDK's signer is given in Node (as @smithy/hash-node does it). */
class Sha256 {
  private hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined || typeof secret === "string" ? secret : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    this.hash = key === undefined ? createHash("sha256") : createHmac("sha256", key);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {}
}

const KEYS = { accessKeyId: "AKIAFAASBOXURLTEST01", secretAccessKey: "url/test+secret" };

const FRONT_END = `<!doctype html><html><body><script>
window.call = async (url) => {
  try {
    const response = await fetch(url, { method: "PUT", body: '{"from":"page"}', headers: { "Content-Type": "application/json" } });
    const event = await response.json();
    return { status: response.status, total: response.headers.get("x-total"), method: event.requestContext.http.method, body: event.body };
  } catch (error) {
    return { blocked: error.name + ": " + error.message };
  }
};
</script></body></html>`;

describe("function URLs (docker executor)", () => {
  let root: string;
  let daemon: Daemon;
  let pages: http.Server;
  let browser: Browser | undefined;
  let allowed = "";
  let other = "";
  let urls: Record<string, FunctionUrlInfo> = {};
  const ran = new Map<string, number>();
  const runs = (name: string) => ran.get(name) ?? 0;

  const start = async () => {
    daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0, credentials: { env: { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey } } });
    assert.deepEqual(daemon.engine.problems, []);
    daemon.onEvent((event) => {
      if (event.kind === "invoked") ran.set(event.summary.function, runs(event.summary.function) + 1);
    });
    urls = Object.fromEntries((daemon.triggers().urls ?? []).map((u) => [u.function, u]));
  };

  before(async () => {
    await requireDocker();
    pages = http.createServer((_request, response) => response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(FRONT_END));
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    const port = (pages.address() as AddressInfo).port;
    allowed = `http://127.0.0.1:${port}`;
    other = `http://localhost:${port}`;
    root = copyFixture("function-urls");
    const template = join(root, "template.yaml");
    writeFileSync(template, readFileSync(template, "utf8").replace("AllowOrigins: [FRONT_END_ORIGIN]", `AllowOrigins: ["${allowed}"]`));
    await start();
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => pages.close(() => resolve()));
    pages.closeAllConnections();
    await daemon?.shutdown();
  });

  test("each URL function answers on its own 127.0.0.1 port, listed with its auth type and its name on the gateway", () => {
    const gatewayPort = new URL(daemon.gateway.url).port;
    assert.deepEqual(Object.keys(urls).sort(), ["Failing", "Open", "Signed"]);
    for (const [name, url] of Object.entries(urls)) {
      assert.match(url.url, /^http:\/\/127\.0\.0\.1:\d+\/$/, name);
      assert.equal(url.hostUrl, `http://${name.toLowerCase()}.lambda-url.localhost:${gatewayPort}/`);
      assert.equal(url.invokeMode, "BUFFERED");
    }
    assert.deepEqual([urls.Open.authType, urls.Signed.authType, urls.Failing.authType], ["NONE", "AWS_IAM", "NONE"]);
    assert.equal(new Set(Object.values(urls).map((u) => u.url)).size, 3, "three ports");
  });

  test("AuthType NONE over plain HTTP: any path and method reach the function with the URL's payload 2.0 event", async () => {
    const answer = await request(urls.Open.url, "POST", "/any/deep/path?a=1&a=2&b=x%20y", { "Content-Type": "application/json", Cookie: "s=1; theme=dark", "User-Agent": "faasbox-test" }, '{"hello":"url"}');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.headers["set-cookie"], ["seen=1; Path=/"]);
    assert.equal(answer.headers["x-total"], "3");
    const event = JSON.parse(answer.body);
    const host = new URL(urls.Open.url).host;
    assert.deepEqual(
      [event.version, event.routeKey, event.rawPath, event.rawQueryString, event.cookies, event.queryStringParameters, event.body, event.isBase64Encoded, event.pathParameters, event.stageVariables],
      ["2.0", "$default", "/any/deep/path", "a=1&a=2&b=x%20y", ["s=1", "theme=dark"], { a: "1,2", b: "x y" }, '{"hello":"url"}', false, null, null],
    );
    const context = event.requestContext;
    assert.deepEqual(
      [context.accountId, context.domainName, context.routeKey, context.stage, context.http.method, context.http.path, context.http.userAgent, context.http.sourceIp, "authorizer" in context],
      ["anonymous", host, "$default", "$default", "POST", "/any/deep/path", "faasbox-test", "127.0.0.1", false],
    );
    assert.match(context.apiId, /^[a-z0-9]{32}$/);
    assert.equal(context.domainPrefix, context.apiId);
    assert.deepEqual([event.headers.host, event.headers["x-forwarded-proto"], event.headers["x-forwarded-port"], event.headers.cookie], [host, "http", new URL(urls.Open.url).port, undefined]);

    const binary = await request(urls.Open.url, "PUT", "/", { "Content-Type": "application/octet-stream" }, Buffer.from([0, 1, 254, 255]));
    const binaryEvent = JSON.parse(binary.body);
    assert.deepEqual([binaryEvent.isBase64Encoded, binaryEvent.body], [true, Buffer.from([0, 1, 254, 255]).toString("base64")]);
  });

  test("the same URL by name on the gateway's port (Host: open.lambda-url.localhost), with the host's first label as domainPrefix", async () => {
    const gateway = new URL(daemon.gateway.url);
    const answer = await request(daemon.gateway.url, "GET", "/by/name", { Host: `open.lambda-url.localhost:${gateway.port}` });
    assert.equal(answer.status, 200);
    const event = JSON.parse(answer.body);
    assert.deepEqual([event.rawPath, event.requestContext.domainName, event.requestContext.domainPrefix], ["/by/name", `open.lambda-url.localhost:${gateway.port}`, "open"]);
    const unknown = await request(daemon.gateway.url, "GET", "/", { Host: `nope.lambda-url.localhost:${gateway.port}` });
    assert.equal(unknown.status, 404);
  });

  test("a function that fails gives 502 Internal Server Error, its reason only in x-faasbox-error", async () => {
    const answer = await request(urls.Failing.url, "GET", "/");
    assert.deepEqual([answer.status, answer.body], [502, "Internal Server Error"]);
    assert.match(String(answer.headers["x-faasbox-error"]), /the function failed \(function\): Error: boom/);
  });

  test("AWS_IAM: a request signed by the SDK's signer with the functions' keys runs; unsigned and wrongly signed ones get 403", async () => {
    const signedUrl = new URL(urls.Signed.url);
    const region = daemon.engine.functions().find((f) => f.name === "Signed")!.region;
    const sign = async (secretAccessKey: string) => {
      const signer = new SignatureV4({ service: "lambda", region, sha256: Sha256, credentials: { ...KEYS, secretAccessKey } });
      const signed = await signer.sign({
        method: "POST", protocol: "http:", hostname: signedUrl.hostname, port: Number(signedUrl.port), path: "/orders", query: { page: "2" },
        headers: { host: signedUrl.host, "content-type": "application/json" }, body: '{"order":42}',
      });
      return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
    };
    const before = runs("Signed");

    const ok = await request(urls.Signed.url, "POST", "/orders?page=2", await sign(KEYS.secretAccessKey), '{"order":42}');
    assert.equal(ok.status, 200, ok.body);
    const event = JSON.parse(ok.body);
    assert.deepEqual([event.body, event.requestContext.accountId, event.requestContext.authorizer.iam.accessKey, event.requestContext.authorizer.iam.accountId], ['{"order":42}', "123456789012", KEYS.accessKeyId, "123456789012"]);

    const unsigned = await request(urls.Signed.url, "POST", "/orders?page=2", { "content-type": "application/json" }, '{"order":42}');
    assert.deepEqual([unsigned.status, JSON.parse(unsigned.body)], [403, { Message: "Forbidden" }]);
    const wrong = await request(urls.Signed.url, "POST", "/orders?page=2", await sign("not-the-secret"), '{"order":42}');
    assert.equal(wrong.status, 403);
    assert.match(JSON.parse(wrong.body).message, /^The request signature we calculated does not match the signature you provided/);
    const tampered = await request(urls.Signed.url, "POST", "/orders?page=2", await sign(KEYS.secretAccessKey), '{"order":43}');
    assert.equal(tampered.status, 403);
    assert.equal(runs("Signed"), before + 1, "only the signed request ran the function");
  });

  test("CORS: the URL answers preflights for the allowed origin only and replaces the function's CORS headers", async () => {
    const before = runs("Open");
    const preflight = (origin: string) => ({ Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type" });
    const ok = await request(urls.Open.url, "OPTIONS", "/items", preflight(allowed));
    assert.deepEqual([ok.status, ok.body, cors(ok)], [204, "", {
      "access-control-allow-origin": allowed, "access-control-allow-methods": "GET,PUT", "access-control-allow-headers": "content-type", "access-control-max-age": "300",
    }]);
    const refused = await request(urls.Open.url, "OPTIONS", "/items", preflight(other));
    assert.deepEqual([refused.status, cors(refused)], [204, {}]);
    assert.equal(runs("Open"), before, "the URL answered both preflights itself");
    const actual = await request(urls.Open.url, "GET", "/items", { Origin: allowed });
    assert.deepEqual(cors(actual), { "access-control-allow-origin": allowed, "access-control-expose-headers": "x-total" }, "the function's own Allow-Origin * is replaced");
    const noCors = await request(urls.Signed.url, "OPTIONS", "/items", preflight(allowed));
    assert.equal(noCors.status, 403, "no Cors on the AWS_IAM URL: the preflight is a request like any other, unsigned");
  });

  test("headless Chromium: the allowed origin reads the URL's answer; another origin is blocked before the function runs", async () => {
    browser ??= await chromium.launch({
      executablePath: chromiumBinary(),
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const before = runs("Open");
      await page.goto(`${allowed}/`);
      const read = await page.evaluate((url) => (globalThis as any).call(url), `${urls.Open.url}items/7`);
      assert.deepEqual(read, { status: 200, total: "3", method: "PUT", body: '{"from":"page"}' });
      assert.equal(runs("Open"), before + 1);
      await page.goto(`${other}/`);
      const blocked = await page.evaluate((url) => (globalThis as any).call(url), `${urls.Open.url}items/7`);
      assert.match(blocked.blocked ?? "", /^TypeError: Failed to fetch/, JSON.stringify(blocked));
      assert.equal(runs("Open"), before + 1, "the preflight failed: the browser never sent the PUT");
      // The browser resolves NAME.lambda-url.localhost to loopback itself: the URL by name opens as a page.
      const byName = await page.goto(`${urls.Open.hostUrl}from/browser?q=1`);
      assert.equal(byName?.status(), 200);
      const event = JSON.parse(await byName!.text());
      assert.deepEqual([event.rawPath, event.rawQueryString, event.requestContext.domainPrefix], ["/from/browser", "q=1", "open"]);
    } finally {
      await context.close();
    }
  });

  test("faasbox triggers lists each function URL with its address", async () => {
    const listed = await runCliAsync(["triggers", "--project", root]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^Function URLs:$/m);
    for (const [name, url] of Object.entries(urls)) assert.ok(listed.stdout.includes(`  ${name}  ${url.url}  (also ${url.hostUrl})`), `${name} in:\n${listed.stdout}`);
    assert.match(listed.stdout, /Signed .* AWS_IAM: sign with SigV4/);
    const json = await runCliAsync(["triggers", "--json", "--project", root]);
    assert.deepEqual(JSON.parse(json.stdout).urls, daemon.triggers().urls);
  });

  test("a restart keeps every URL on its port", async () => {
    const earlier = Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, url.url]));
    await daemon.shutdown();
    await start();
    assert.deepEqual(Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, url.url])), earlier);
    const answer = await request(urls.Open.url, "GET", "/again");
    assert.equal(JSON.parse(answer.body).rawPath, "/again");
  });
});
