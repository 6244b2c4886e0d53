// Web pages in the user's browser against the emulator's loopback listeners: a foreign
// Host (DNS rebinding) is refused by the gateway, the Invoke API and the control API; a
// page of another origin can neither run a function through the Invoke API nor publish
// through /_faasbox/ (judged by what the functions and the queue received, not by what
// the page sees); the AWS CLI, the SDK and curl-style clients still work, and the user's
// function routes keep API Gateway's CORS. The browser is a real headless Chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { chromium, type Browser } from "playwright-core";
import { Daemon } from "../../../emulator/daemon/daemon";
import { CONTROL_PATH, type AsyncEventInfo } from "../../../emulator/protocol";
import { chromiumBinary } from "../../helpers/codeServer";
import { leftoverContainers, requireDocker } from "../../helpers/docker";
import { copyFixture, waitFor } from "../../helpers/emulator";
import { REPO_ROOT } from "../../helpers/paths";

/** The http fixture, plus a function only the Invoke API reaches and one subscribed to a topic. */
const EXTRA_FUNCTIONS = `
  invoke-target:
    runtime: nodejs20.x
    codeUri: node
    handler: echo.inferred
  topic-listener:
    runtime: nodejs20.x
    codeUri: node
    handler: echo.inferred
    events:
      - topic: { name: alerts }
`;

const ALLOWED = "faasbox.test";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http, not fetch: fetch cannot send a Host of its own choosing. */
function rawRequest(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path, method: options.method ?? "GET", headers: options.headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on("error", reject);
    request.end(options.body);
  });
}

/** A WebSocket handshake by hand: 101 when the control API admits it, else the refusal's status and text. */
function upgrade(controlUrl: string, token: string, host: string): Promise<Answer> {
  const url = new URL(controlUrl);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname, port: url.port, path: `${CONTROL_PATH}?token=${encodeURIComponent(token)}`,
      headers: { Host: host, Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": randomBytes(16).toString("base64") },
    });
    request.on("upgrade", (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode!, headers: response.headers, body: "" });
    });
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

function hostOf(base: string): string {
  return new URL(base).host;
}

/** The AWS CLI v2 (Debian's awscli, installed by `npm run setup`), run asynchronously: the emulator runs in this process. */
function awsInvoke(endpoint: string, name: string, payload: string, outfile: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const isolated = mkdtempSync(join(tmpdir(), "faasbox-aws-cli-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true", AWS_PAGER: "", AWS_CONFIG_FILE: join(isolated, "config"), AWS_SHARED_CREDENTIALS_FILE: join(isolated, "credentials"),
  };
  for (const key of ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA"]) delete env[key];
  const args = ["lambda", "invoke", "--endpoint-url", endpoint, "--function-name", name, "--cli-binary-format", "raw-in-base64-out", "--payload", payload, outfile];
  return new Promise((resolve) => {
    execFile("/usr/bin/aws", args, { env, timeout: 120_000, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/**
 * The hostile page: from its own origin it sends what any site may send to 127.0.0.1
 * without the user noticing: no-cors fetches (the answer is opaque to the page, but the
 * request is made) and an HTML form posted into a hidden frame.
 */
function hostilePage(invokeUrl: string, gatewayUrl: string, controlUrl: string, tag: string): string {
  return `<!doctype html><html><body>
<iframe name="sink" id="sink" style="display:none"></iframe>
<form id="form" method="POST" action="${gatewayUrl}/_faasbox/topics/alerts" target="sink" enctype="text/plain">
  <input name="from" value="hostile-form-${tag}">
</form>
<script>
window.attack = (async () => {
  const outcome = {};
  const opaque = (promise) => promise.then((r) => r.type, (e) => "network error: " + e.message);
  outcome.invoke = await opaque(fetch(${JSON.stringify(invokeUrl)} + "/2015-03-31/functions/invoke-target/invocations", { method: "POST", body: '{"from":"hostile-fetch-${tag}"}', mode: "no-cors" }));
  outcome.publish = await opaque(fetch(${JSON.stringify(gatewayUrl)} + "/_faasbox/topics/alerts", {
    method: "POST", body: "from=hostile-fetch-${tag}", mode: "no-cors", headers: { "Content-Type": "application/x-www-form-urlencoded" },
  }));
  outcome.form = await new Promise((resolve) => {
    document.getElementById("sink").onload = () => resolve("submitted");
    document.getElementById("form").submit();
  });
  // Even holding the control API's token (say it leaked into a page), a browser is refused.
  outcome.control = await new Promise((resolve) => {
    const socket = new WebSocket(${JSON.stringify(controlUrl)});
    socket.onopen = () => { socket.close(); resolve("opened"); };
    socket.onerror = () => resolve("refused");
  });
  return outcome;
})();
</script></body></html>`;
}

/** A front end on another port calling a function route with CORS, as a dev server's page does. */
const FRONT_END = `<!doctype html><html><body><script>
window.callRoute = async (url) => {
  const response = await fetch(url, { method: "PUT", body: '{"from":"front-end"}', headers: { "Content-Type": "application/json" } });
  return { status: response.status, event: await response.json() };
};
</script></body></html>`;

describe("cross-site requests and DNS rebinding (docker executor)", () => {
  let daemon: Daemon;
  let browser: Browser | undefined;
  let pages: http.Server | undefined;
  let pagesPort = 0;
  let gateway: string;
  let invokeApi: string;
  /** Invocations that finished, by function, and the events the queue delivered. */
  const ran = new Map<string, number>();
  const delivered: AsyncEventInfo[] = [];
  const runs = (name: string) => ran.get(name) ?? 0;

  before(async () => {
    await requireDocker();
    const root = copyFixture("http");
    appendFileSync(join(root, "faasbox.yml"), EXTRA_FUNCTIONS);
    daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0, allowedHosts: [ALLOWED] });
    assert.deepEqual(daemon.engine.problems, []);
    daemon.onEvent((event) => {
      if (event.kind === "invoked") ran.set(event.summary.function, runs(event.summary.function) + 1);
    });
    daemon.queue.onOutcome((event, outcome) => {
      if (outcome === "delivered") delivered.push(event);
    });
    gateway = daemon.gateway.url;
    invokeApi = daemon.invokeUrl!;

    // The pages' own server, on another loopback port: another origin than the emulator's.
    pages = http.createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://pages");
      const html = url.pathname === "/front-end" ? FRONT_END : hostilePage(invokeApi, gateway, `${daemon.controlUrl}?token=${daemon.token}`, url.searchParams.get("tag") ?? "page");
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
    });
    await new Promise<void>((resolve) => pages!.listen(0, "127.0.0.1", resolve));
    pagesPort = (pages.address() as AddressInfo).port;
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
    pages?.closeAllConnections();
    await daemon?.shutdown();
  });

  async function openBrowser(): Promise<Browser> {
    browser ??= await chromium.launch({
      executablePath: chromiumBinary(),
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    return browser;
  }

  test("a foreign Host is refused by the gateway (a function route and /_faasbox/), the Invoke API and the control API's upgrade", async () => {
    const before = { route: runs("v2-inferred"), target: runs("invoke-target") };
    const foreign = (base: string) => `attacker.example:${new URL(base).port}`;

    const route = await rawRequest(gateway, "/inferred", { headers: { Host: foreign(gateway) } });
    assert.equal(route.status, 403, route.body);
    assert.match(JSON.parse(route.body).message, /Host "attacker\.example:\d+" is not a name of this emulator.*--allowed-host attacker\.example/);

    const publish = await rawRequest(gateway, "/_faasbox/topics/alerts", { method: "POST", headers: { Host: foreign(gateway), "Content-Type": "text/plain" }, body: "rebound" });
    assert.equal(publish.status, 403, publish.body);

    const invoke = await rawRequest(invokeApi, "/2015-03-31/functions/invoke-target/invocations", { method: "POST", headers: { Host: foreign(invokeApi) }, body: '{"from":"rebound"}' });
    assert.equal(invoke.status, 403, invoke.body);
    assert.equal(invoke.headers["x-amzn-errortype"], "AccessDeniedException");
    assert.match(JSON.parse(invoke.body).message, /Host "attacker\.example:\d+" is not a name of this emulator/);

    const control = await upgrade(daemon.controlUrl, daemon.token, foreign(daemon.controlUrl));
    assert.equal(control.status, 403, "the token is right; the Host is not");
    assert.match(control.body, /Host "attacker\.example:\d+" is not a name of this emulator/);

    // The emulator's own names, and the one the user allowed, still work on each listener.
    for (const host of [hostOf(gateway), `localhost:${new URL(gateway).port}`, `${ALLOWED}:${new URL(gateway).port}`]) {
      const answer = await rawRequest(gateway, "/inferred", { headers: { Host: host } });
      assert.equal(answer.status, 200, `${host}: ${answer.body}`);
    }
    assert.equal((await upgrade(daemon.controlUrl, daemon.token, hostOf(daemon.controlUrl))).status, 101);
    assert.equal((await upgrade(daemon.controlUrl, daemon.token, ALLOWED)).status, 101);
    const allowedInvoke = await rawRequest(invokeApi, "/2015-03-31/functions/invoke-target/invocations", { method: "POST", headers: { Host: ALLOWED }, body: "{}" });
    assert.equal(allowedInvoke.status, 200, allowedInvoke.body);

    assert.equal(runs("v2-inferred"), before.route + 3, "only the three accepted requests ran the route's function");
    assert.equal(runs("invoke-target"), before.target + 1, "only the accepted invocation ran");
    await daemon.queue.idle();
    assert.deepEqual(delivered.filter((e) => e.payload.includes("rebound")), [], "nothing was published");
  });

  test("the AWS CLI v2, the SDK and a curl-style publish still work", async () => {
    const before = runs("invoke-target");
    const outfile = join(mkdtempSync(join(tmpdir(), "faasbox-cross-site-")), "out.json");
    const cli = await awsInvoke(invokeApi, "invoke-target", '{"from":"aws-cli"}', outfile);
    assert.equal(cli.code, 0, `${cli.stderr} (needs Debian's awscli: npm run setup)`);
    assert.equal(JSON.parse(cli.stdout).StatusCode, 200);
    assert.deepEqual(JSON.parse(readFileSync(outfile, "utf8")), { inferred: true });

    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    const sdk = new LambdaClient({ endpoint: invokeApi, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    try {
      const output = await sdk.send(new InvokeCommand({ FunctionName: "invoke-target", Payload: Buffer.from('{"from":"sdk"}') }));
      assert.equal(output.StatusCode, 200);
    } finally {
      sdk.destroy();
    }
    assert.equal(runs("invoke-target"), before + 2);

    // What `curl -X POST http://127.0.0.1:3000/_faasbox/topics/alerts -d 'msg'` sends.
    const curl = await rawRequest(gateway, "/_faasbox/topics/alerts", {
      method: "POST", body: "from-curl", headers: { "User-Agent": "curl/8.5.0", Accept: "*/*", "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(curl.status, 202, curl.body);
    assert.deepEqual(JSON.parse(curl.body), { topic: "alerts", messages: 1, subscribers: 1 });
    await daemon.queue.idle();
    assert.ok(delivered.some((e) => e.function === "topic-listener" && e.payload.includes("from-curl")), JSON.stringify(delivered));
  });

  test("headless Chromium: a page of another origin neither runs a function through the Invoke API, nor publishes to a topic, nor opens the control API", async () => {
    const page = await (await openBrowser()).newPage();
    try {
      const before = runs("invoke-target");
      // What reached the listeners, as the browser saw it (the page itself only gets opaque answers).
      const statuses: string[] = [];
      page.on("response", (response) => {
        const url = response.url();
        if (url.startsWith(invokeApi) || url.startsWith(gateway)) statuses.push(`${response.request().method()} ${new URL(url).pathname} ${response.status()}`);
      });
      // 127.0.0.1 on another port is the same site, another origin; localhost is another site.
      for (const [origin, tag] of [[`http://127.0.0.1:${pagesPort}`, "same-site"], [`http://localhost:${pagesPort}`, "cross-site"]]) {
        await page.goto(`${origin}/?tag=${tag}`);
        const outcome = await page.evaluate(() => (globalThis as any).attack);
        assert.deepEqual(outcome, { invoke: "opaque", publish: "opaque", form: "submitted", control: "refused" }, `the requests were sent, the control API refused the page (${tag})`);
      }
      await waitFor(() => statuses.length >= 6, `the browser's six requests to be answered: ${statuses.join("; ")}`);

      // The Invoke API answers only after the function ran: had it run, it would be counted by now.
      assert.equal(runs("invoke-target"), before, "the page did not run the function");
      // A message published after the page's is delivered; none of the page's ever is.
      const curl = await rawRequest(gateway, "/_faasbox/topics/alerts", { method: "POST", body: "after-the-page", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      assert.equal(curl.status, 202);
      await daemon.queue.idle();
      assert.ok(delivered.some((e) => e.payload.includes("after-the-page")), JSON.stringify(delivered));
      assert.deepEqual(delivered.filter((e) => e.payload.includes("hostile")).map((e) => e.payload), [], "the page published nothing");
      // The browser did send them: each reached its listener and was refused there.
      assert.deepEqual(statuses.sort(), [
        "POST /2015-03-31/functions/invoke-target/invocations 403", "POST /2015-03-31/functions/invoke-target/invocations 403",
        "POST /_faasbox/topics/alerts 403", "POST /_faasbox/topics/alerts 403", "POST /_faasbox/topics/alerts 403", "POST /_faasbox/topics/alerts 403",
      ]);
    } finally {
      await page.close();
    }
  });

  test("headless Chromium: function routes keep API Gateway's CORS, for a front end on another port and a page of the gateway's own origin", async () => {
    const page = await (await openBrowser()).newPage();
    try {
      const before = runs("v1-echo");
      // A front end on another port (a dev server's page): preflight, then the call, answer readable.
      await page.goto(`http://127.0.0.1:${pagesPort}/front-end`);
      const fromFrontEnd = await page.evaluate((url) => (globalThis as any).callRoute(url), `${gateway}/v1/items/7`);
      assert.equal(fromFrontEnd.status, 200);
      assert.equal(fromFrontEnd.event.httpMethod, "PUT");
      assert.equal(fromFrontEnd.event.headers.Origin ?? fromFrontEnd.event.headers.origin, `http://127.0.0.1:${pagesPort}`);

      // A page the gateway itself served calls a route of its own origin.
      await page.goto(`${gateway}/inferred`);
      const sameOrigin = await page.evaluate(async () => {
        const response = await fetch("/v1/items/9", { method: "POST", body: '{"from":"same-origin"}', headers: { "Content-Type": "application/json" } });
        return { status: response.status, event: (await response.json()) as any };
      });
      assert.equal(sameOrigin.status, 200);
      assert.equal(sameOrigin.event.body, '{"from":"same-origin"}');
      assert.equal(runs("v1-echo"), before + 2);
    } finally {
      await page.close();
    }
  });

  test("faasbox start --allowed-host NAME (repeatable) lets that name in; others are refused", async () => {
    const root = mkdtempSync(join(tmpdir(), "faasbox-allowed-host-"));
    const cli = join(REPO_ROOT, "emulator", "cli", "main.ts");
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", cli, "start", root, "--executor", "process", "--no-watch", "--http-port", "0", "--invoke-port", "0",
      "--allowed-host", "one.test", "--allowed-host", ".two.test"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    try {
      await waitFor(() => /Lambda Invoke API: http:\/\/\S+/.test(output) || child.exitCode !== null, `faasbox start to come up:\n${output}`, 30_000);
      const gatewayUrl = /HTTP gateway: (http:\/\/\S+)/.exec(output)?.[1];
      const invokeUrl = /Lambda Invoke API: (http:\/\/\S+)/.exec(output)?.[1];
      assert.ok(gatewayUrl && invokeUrl, output);
      for (const host of ["one.test", "api.two.test:8080", hostOf(gatewayUrl)]) {
        assert.equal((await rawRequest(gatewayUrl, "/nothing-here", { headers: { Host: host } })).status, 404, host);
      }
      const refused = await rawRequest(gatewayUrl, "/nothing-here", { headers: { Host: "three.test" } });
      assert.equal(refused.status, 403);
      assert.match(JSON.parse(refused.body).message, /one\.test, \*\.two\.test/);
      assert.equal((await rawRequest(invokeUrl, "/2015-03-31/functions/x/invocations", { method: "POST", headers: { Host: "one.test" }, body: "{}" })).status, 404);
      assert.equal((await rawRequest(invokeUrl, "/2015-03-31/functions/x/invocations", { method: "POST", headers: { Host: "three.test" }, body: "{}" })).status, 403);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    }
  });
});

test("no container is left once the daemon has shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
