// CORS exactly as each API configures it, through the real gateway and real functions: no CORS
// header at all on APIs without a configuration; a REST API's OPTIONS answered by SAM's mock with
// the configured values while actual responses stay the function's; an HTTP API answering
// preflights itself and putting its own headers on responses. Then headless Chromium on a page of
// another origin: the allowed origin reads the answers, another origin is blocked by the browser.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { Daemon } from "../../emulator/daemon/daemon";
import type { ApiContext } from "../../emulator/protocol";
import { chromiumBinary } from "../helpers/codeServer";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { copyFixture } from "../helpers/emulator";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http: fetch would not let a test send the Origin a browser sends. */
function request(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const sent = http.request({ host: url.hostname, port: url.port, path, method, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

/** The Access-Control-* headers of an answer, exactly. */
function cors(answer: Answer): Record<string, unknown> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name.startsWith("access-control-")));
}

/** A front end that calls the gateway with JSON (a preflighted request) and reports what it could read. */
const FRONT_END = `<!doctype html><html><body><script>
window.call = async (url, method) => {
  try {
    const response = await fetch(url, { method, body: '{"from":"page"}', headers: { "Content-Type": "application/json" } });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    return { blocked: error.name + ": " + error.message };
  }
};
</script></body></html>`;

describe("gateway CORS as configured (docker executor)", () => {
  let daemon: Daemon;
  let gateway: string;
  let pages: http.Server;
  let browser: Browser | undefined;
  /** The front end's origin, the one the APIs allow, and another origin on the same port. */
  let allowed = "";
  let other = "";
  const ran = new Map<string, number>();
  const runs = (name: string) => ran.get(name) ?? 0;

  before(async () => {
    await requireDocker();
    pages = http.createServer((_request, response) => response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(FRONT_END));
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    const port = (pages.address() as AddressInfo).port;
    allowed = `http://127.0.0.1:${port}`;
    other = `http://localhost:${port}`;

    const root = copyFixture("cors");
    const manifest = join(root, "faasbox.yml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("FRONT_END: FRONT_END_ORIGIN", `FRONT_END: "${allowed}"`));
    daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
    assert.deepEqual(daemon.engine.problems, []);
    // The APIs as the SAM reading of Api `Cors` / HttpApi `CorsConfiguration` gives them to routes
    // (a REST API is then served under its stage, /Prod).
    const apis: Record<string, ApiContext> = {
      "rest-cors": { id: "CorsRestApi", kind: "rest", stage: "Prod", cors: { allowOrigins: [allowed], allowMethods: [], allowHeaders: ["Content-Type", "X-Api-Key"], maxAgeSec: 600 } },
      "rest-plain": { id: "PlainRestApi", kind: "rest", stage: "Prod" },
      "http-cors": { id: "CorsHttpApi", kind: "http", stage: "$default", cors: { allowOrigins: [allowed], allowMethods: ["GET", "PUT"], allowHeaders: ["content-type"], exposeHeaders: ["x-total"], maxAgeSec: 300, allowCredentials: true } },
      "http-plain": { id: "PlainHttpApi", kind: "http", stage: "$default" },
    };
    apis["http-any"] = apis["http-cors"];
    for (const fn of daemon.engine.functions()) for (const trigger of fn.triggers) if (trigger.kind === "http") trigger.api = apis[fn.name];
    daemon.gateway.refresh();
    daemon.onEvent((event) => {
      if (event.kind === "invoked") ran.set(event.summary.function, runs(event.summary.function) + 1);
    });
    gateway = daemon.gateway.url;
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => pages.close(() => resolve()));
    pages.closeAllConnections();
    await daemon?.shutdown();
  });

  const preflight = (origin: string, method: string) => ({ Origin: origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "content-type" });

  test("no CORS configured: no CORS header on any answer; a preflight is 403 on a REST API and 404 on an HTTP API", async () => {
    const rest = await request(gateway, "OPTIONS", "/Prod/rest-plain/items", preflight(allowed, "GET"));
    assert.deepEqual([rest.status, rest.headers["content-type"], rest.body, cors(rest)], [403, "application/json", '{"message":"Missing Authentication Token"}', {}]);
    const httpApi = await request(gateway, "OPTIONS", "/http-plain/items", preflight(allowed, "GET"));
    assert.deepEqual([httpApi.status, httpApi.headers["content-type"], httpApi.body, cors(httpApi)], [404, "application/json", '{"message":"Not Found"}', {}]);
    for (const path of ["/Prod/rest-plain/items", "/http-plain/items"]) {
      const actual = await request(gateway, "GET", path, { Origin: allowed });
      assert.deepEqual([actual.status, actual.body, cors(actual)], [200, '{"plain":true}', {}], path);
    }
    assert.equal(runs("rest-plain") + runs("http-plain"), 2, "only the two GETs ran a function");
  });

  test("REST API with Cors: SAM's mock answers OPTIONS with the configured values whatever the Origin; actual responses are the function's", async () => {
    const expected = {
      "access-control-allow-origin": allowed,
      "access-control-allow-headers": "Content-Type,X-Api-Key",
      "access-control-allow-methods": "GET,OPTIONS,POST",
      "access-control-max-age": "600",
    };
    for (const origin of [allowed, other]) {
      const answer = await request(gateway, "OPTIONS", "/Prod/rest/items", preflight(origin, "POST"));
      assert.deepEqual([answer.status, answer.headers["content-type"], answer.body, cors(answer)], [200, "application/json", "{}\n", expected], origin);
    }
    assert.equal(runs("rest-cors"), 0, "the mock answers; the function never runs for OPTIONS");
    const actual = await request(gateway, "POST", "/Prod/rest/items", { Origin: other, "Content-Type": "application/json" }, "{}");
    assert.equal(actual.status, 200);
    assert.deepEqual(cors(actual), { "access-control-allow-origin": allowed }, "what the function returned, untouched");
    assert.equal(JSON.parse(actual.body).method, "POST");
  });

  test("HTTP API with CorsConfiguration: preflights answered 204 for allowed origins only; the API's headers replace the function's", async () => {
    const ok = await request(gateway, "OPTIONS", "/http/items/7", preflight(allowed, "PUT"));
    assert.deepEqual([ok.status, ok.body, cors(ok)], [204, "", {
      "access-control-allow-origin": allowed,
      "access-control-allow-methods": "GET,PUT",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "300",
      "access-control-allow-credentials": "true",
    }]);
    const refused = await request(gateway, "OPTIONS", "/http/items/7", preflight(other, "PUT"));
    assert.deepEqual([refused.status, refused.body, cors(refused)], [204, "", {}], "an origin not allowed gets no CORS header");
    assert.equal(runs("http-cors"), 0, "API Gateway answered both");

    const actual = await request(gateway, "PUT", "/http/items/7", { Origin: allowed, "Content-Type": "application/json" }, "{}");
    assert.equal(actual.status, 200);
    assert.equal(actual.headers["x-total"], "3");
    assert.deepEqual(cors(actual), { "access-control-allow-origin": allowed, "access-control-expose-headers": "x-total", "access-control-allow-credentials": "true" }, "the function's own Allow-Origin is ignored");
    const otherActual = await request(gateway, "GET", "/http/items/7", { Origin: other });
    assert.deepEqual([otherActual.status, cors(otherActual)], [200, {}]);
    const noOrigin = await request(gateway, "GET", "/http/items/7");
    assert.deepEqual([noOrigin.status, cors(noOrigin)], [200, {}], "no Origin, no CORS headers");
  });

  test("HTTP API with an ANY route: the preflight reaches the function, and the API's preflight headers go on its answer", async () => {
    const before = runs("http-any");
    const answer = await request(gateway, "OPTIONS", "/http-any/deep/path", preflight(allowed, "PUT"));
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).method, "OPTIONS");
    assert.deepEqual(cors(answer), {
      "access-control-allow-origin": allowed,
      "access-control-allow-methods": "GET,PUT",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "300",
      "access-control-allow-credentials": "true",
    });
    assert.equal(runs("http-any"), before + 1);
  });

  test("headless Chromium: the allowed origin reads both APIs' answers; another origin is blocked by the browser before the function runs", async () => {
    browser ??= await chromium.launch({
      executablePath: chromiumBinary(),
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage();
    try {
      const before = { rest: runs("rest-cors"), http: runs("http-cors") };
      await page.goto(`${allowed}/`);
      const restOk = await page.evaluate(([url]) => (globalThis as any).call(url, "POST"), [`${gateway}/Prod/rest/items`]);
      assert.deepEqual(restOk, { status: 200, body: { method: "POST", path: "/rest/items", body: '{"from":"page"}' } });
      const httpOk = await page.evaluate(([url]) => (globalThis as any).call(url, "PUT"), [`${gateway}/http/items/7`]);
      assert.deepEqual(httpOk, { status: 200, body: { method: "PUT", path: "/http/items/7", body: '{"from":"page"}' } });
      assert.deepEqual([runs("rest-cors"), runs("http-cors")], [before.rest + 1, before.http + 1]);

      await page.goto(`${other}/`);
      for (const [url, method] of [[`${gateway}/Prod/rest/items`, "POST"], [`${gateway}/http/items/7`, "PUT"]]) {
        const outcome = await page.evaluate(([u, m]) => (globalThis as any).call(u, m), [url, method]);
        assert.match(outcome.blocked ?? "", /^TypeError: Failed to fetch/, `${method} ${url} from ${other}: ${JSON.stringify(outcome)}`);
      }
      assert.deepEqual([runs("rest-cors"), runs("http-cors")], [before.rest + 1, before.http + 1], "the preflight failed: the browser never sent the calls");
    } finally {
      await page.close();
    }
  });
});

test("no container is left once the daemon has shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
