// SCF Web functions end to end: real Express and Flask servers started by their scf_bootstrap in
// real containers, asked through the real gateway by an HTTP client and a WebSocket client.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import WebSocket from "ws";
import { Daemon } from "../../emulator/daemon/daemon";
import type { LogRecord } from "../../emulator/protocol";
import { lendableDebugpy, requireDocker } from "../helpers/docker";
import { DapClient } from "../helpers/dapClient";
import { CdpClient } from "../helpers/cdpClient";
import { functionTemplate } from "../../extension/templates/functionTemplates";

const REPO = resolve(__dirname, "..", "..");
/** Debian's python3-flask and what it needs (scripts/setup.sh --docker-tests installs them). */
const DIST_PACKAGES = "/usr/lib/python3/dist-packages";
const FLASK_PACKAGES = ["flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click"];

/** Flask and its dependencies into a code folder, as `pip install -t . flask` would put them (blinker is optional in Debian's Flask). */
function copyFlask(into: string): void {
  if (!existsSync(join(DIST_PACKAGES, "flask"))) throw new Error(`Debian's python3-flask is not installed (${DIST_PACKAGES}/flask): run bash scripts/setup.sh --docker-tests`);
  for (const name of [...FLASK_PACKAGES, "blinker"]) {
    if (existsSync(join(DIST_PACKAGES, name)) || FLASK_PACKAGES.includes(name)) cpSync(join(DIST_PACKAGES, name), join(into, name), { recursive: true, dereference: true });
  }
}

/** Copies an npm package and, recursively, its dependencies from the repo's node_modules: no registry at run time. */
function copyNodePackage(name: string, into: string, seen = new Set<string>()): void {
  if (seen.has(name)) return;
  seen.add(name);
  const from = join(REPO, "node_modules", name);
  if (!existsSync(from)) throw new Error(`${name} is not in ${REPO}/node_modules: run npm ci`);
  cpSync(from, join(into, "node_modules", name), { recursive: true, dereference: true });
  const manifest = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) copyNodePackage(dependency, into, seen);
}

function write(root: string, path: string, text: string, mode = 0o644): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

const EXPRESS_APP = `
const express = require("express");
const os = require("os");
const http = require("http");
const { WebSocketServer } = require("ws");
const app = express();
app.use(express.text({ type: "*/*" }));
app.get(/\\/hello$/, (req, res) => {
  console.log("express handled " + req.path);
  res.json({ method: req.method, path: req.path, query: req.query, headers: req.headers });
});
app.post(/\\/echo$/, (req, res) => res.status(201).set("X-Echo", "yes").type("text/plain").send("echo:" + req.body));
app.get(/\\/slow$/, (req, res) => setTimeout(() => res.json({ host: os.hostname() }), Number(req.query.ms || 1000)));
app.get(/\\/hang$/, () => console.log("hanging on purpose"));
app.get(/\\/events$/, (req, res) => {
  res.set({ "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  res.flushHeaders();
  res.write("data: first\\n\\n");
  setTimeout(() => { res.write("data: second\\n\\n"); res.end(); }, 1500);
});
const server = http.createServer(app);
new WebSocketServer({ server }).on("connection", (socket, req) => {
  socket.on("message", (data) => socket.send("echo " + data + " via " + req.headers["x-scf-name"]));
});
server.listen(9000, process.env.LISTEN_HOST || "0.0.0.0", () => console.log("listening on 9000"));
`;

const FLASK_APP = `
from flask import Flask, jsonify, request
app = Flask(__name__)

@app.route("/flask/hello", methods=["GET", "POST"])
def hello():
    print("flask handled", request.path, flush=True)
    return jsonify(method=request.method, path=request.path, args=request.args, body=request.get_data(as_text=True), headers=dict(request.headers))

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=9000)
`;

/** A project with one code folder per server and functions that share them. */
function webProject(): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "faasbox-web-")));
  write(root, "express/app.js", EXPRESS_APP);
  write(root, "express/scf_bootstrap", "#!/bin/bash\n/var/lang/node18/bin/node app.js\n", 0o755);
  copyNodePackage("express", join(root, "express"));
  copyNodePackage("ws", join(root, "express"));
  cpSync(join(root, "express"), join(root, "loopback"), { recursive: true, filter: (src) => !src.endsWith("scf_bootstrap") });
  write(root, "loopback/scf_bootstrap", "#!/bin/bash\nexport LISTEN_HOST=127.0.0.1\n/var/lang/node18/bin/node app.js\n", 0o755);
  write(root, "crlf/scf_bootstrap", "#!/bin/bash\r\n/var/lang/node18/bin/node app.js\r\n", 0o755);
  write(root, "noexec/scf_bootstrap", "#!/bin/bash\n/var/lang/node18/bin/node app.js\n", 0o644);
  write(root, "nopath/scf_bootstrap", "#!/bin/bash\n/var/lang/node99/bin/node app.js\n", 0o755);
  write(root, "never/scf_bootstrap", "#!/bin/bash\necho starting but never listening\nexec sleep 600\n", 0o755);
  write(root, "flask/app.py", FLASK_APP);
  write(root, "flask/scf_bootstrap", "#!/bin/bash\nexport PYTHONPATH=/var/user:$PYTHONPATH\n/var/lang/python39/bin/python3.9 app.py\n", 0o755);
  copyFlask(join(root, "flask"));
  const fn = (name: string, codeUri: string, path: string, extra = "", timeout = 10) =>
    `  ${name}:\n    runtime: ${codeUri === "flask" ? "Python3.9" : "Nodejs18.15"}\n    type: web\n    codeUri: ${codeUri}\n    timeout: ${timeout}\n${extra}    events:\n      - http: { path: "${path}", method: ANY }\n`;
  writeFileSync(join(root, "faasbox.yml"), "functions:\n" + [
    fn("site", "express", "/express/{proxy+}"),
    fn("shared", "express", "/shared/{proxy+}", "    instanceConcurrency: 2\n"),
    fn("short", "express", "/short/{proxy+}", "", 2),
    fn("loopback", "loopback", "/loopback/{proxy+}"),
    fn("crlf", "crlf", "/crlf"),
    fn("noexec", "noexec", "/noexec"),
    fn("nopath", "nopath", "/nopath"),
    fn("never", "never", "/never", "    initTimeout: 3\n"),
    fn("flask", "flask", "/flask/{proxy+}"),
  ].join(""));
  return root;
}

describe("SCF web functions (docker executor)", () => {
  let daemon: Daemon;
  let base: string;
  const logs: LogRecord[] = [];
  before(async () => {
    await requireDocker();
    daemon = await Daemon.start({ root: webProject(), executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
    daemon.engine.logBus.subscribe((record) => void logs.push(record));
    base = daemon.gateway.url;
  });
  after(() => daemon?.shutdown());

  test("Express: the request reaches the server as sent, with SCF's X-Scf-* headers; a client's own X-Scf-* and Connection are dropped", async (t) => {
    const coldAt = performance.now();
    const response = await fetch(`${base}/express/hello?name=faasbox&tag=a&tag=b`, { headers: { "X-Trace": "t1", "X-Scf-Name": "forged" } });
    assert.equal(response.status, 200, await response.clone().text());
    const seen = (await response.json()) as { method: string; path: string; query: unknown; headers: Record<string, string> };
    assert.equal(seen.method, "GET");
    assert.equal(seen.path, "/express/hello");
    assert.deepEqual(seen.query, { name: "faasbox", tag: ["a", "b"] });
    assert.equal(seen.headers["x-trace"], "t1");
    const requestId = response.headers.get("x-faasbox-request-id");
    assert.match(requestId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(seen.headers["x-scf-request-id"], requestId);
    assert.equal(seen.headers["x-scf-name"], "site");
    assert.equal(seen.headers["x-scf-memory"], "128");
    assert.equal(seen.headers["x-scf-timeout"], "10000");
    assert.equal(seen.headers["x-scf-namespace"], "default");
    assert.equal(seen.headers["x-scf-region"], "ap-guangzhou");
    assert.equal(seen.headers["x-scf-version"], "$LATEST");
    assert.equal(seen.headers.connection, "close", "the proxy's own connection, not the client's keep-alive");
    t.diagnostic(`cold request (container, scf_bootstrap, Express listening, answer): ${Math.round(performance.now() - coldAt)} ms`);
    const warmAt = performance.now();
    await (await fetch(`${base}/express/hello`)).text();
    t.diagnostic(`warm request through the gateway and the agent: ${(performance.now() - warmAt).toFixed(1)} ms`);
  });

  test("listing: triggers.list marks the web function's routes with their URLs, and the function list says it is a web function", () => {
    const route = daemon.triggers().routes.find((r) => r.function === "site");
    assert.deepEqual(route && { url: route.url, web: route.web, method: route.method }, { url: `${base}/express/{proxy+}`, web: true, method: "ANY" });
    const shared = daemon.functionsList().functions.find((f) => f.name === "shared");
    assert.deepEqual(shared?.web, { instanceConcurrency: 2, initTimeoutSec: 60 });
  });

  test("Express: a POST body, status and response headers pass through unchanged", async () => {
    const response = await fetch(`${base}/express/echo`, { method: "POST", body: "hello body", headers: { "Content-Type": "text/plain" } });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-echo"), "yes");
    assert.equal(await response.text(), "echo:hello body");
  });

  test("logs: the server's line sits between START and END/Report of its request; the first request's log says the init", async () => {
    const response = await fetch(`${base}/express/hello?log=1`);
    const requestId = response.headers.get("x-faasbox-request-id")!;
    await response.text();
    await waitFor(() => logs.some((r) => r.requestId === requestId && r.text.startsWith("Report RequestId:")));
    const mine = logs.filter((r) => r.requestId === requestId).map((r) => r.text);
    assert.equal(mine[0], `START RequestId:${requestId}`);
    const handled = mine.indexOf("express handled /express/hello");
    assert.ok(handled > 0, mine.join("\n"));
    assert.ok(mine.indexOf(`END RequestId:${requestId}`) > handled, mine.join("\n"));
    assert.match(mine.at(-1)!, new RegExp(`^Report RequestId:${requestId} Duration:\\d+\\.\\d+ms Billed Duration:\\d+ms Memory Size:128MB Max Memory Used:\\d+MB`));
  });

  test("an event stream reaches the client as written: the first event arrives before the server ends the response", async () => {
    const response = await fetch(`${base}/express/events`);
    assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    const arrivals: Array<{ text: string; at: number }> = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ text: Buffer.from(value).toString(), at: performance.now() });
    }
    assert.equal(arrivals.map((a) => a.text).join(""), "data: first\n\ndata: second\n\n");
    assert.equal(arrivals[0].text, "data: first\n\n", "the first event came on its own");
    // The server waits 1.5 s between the two: the first one was here long before the end.
    assert.ok(arrivals.at(-1)!.at - arrivals[0].at > 700, JSON.stringify(arrivals));
  });

  test("WebSocket: the upgrade passes through and messages echo both ways", async () => {
    const socket = new WebSocket(`${base.replace("http:", "ws:")}/express/ws`);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
      socket.once("unexpected-response", (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    });
    const reply = new Promise<string>((resolve) => socket.once("message", (data) => resolve(data.toString())));
    socket.send("ping");
    assert.equal(await reply, "echo ping via site");
    socket.close();
  });

  test("two slow requests at once run on two instances; with instanceConcurrency 2 both run on one", async () => {
    const twice = (prefix: string) => Promise.all([1, 2].map(() => fetch(`${base}/${prefix}/slow?ms=1500`).then((r) => r.json() as Promise<{ host: string }>)));
    const separate = await twice("express");
    assert.notEqual(separate[0].host, separate[1].host);
    const shared = await twice("shared");
    assert.equal(shared[0].host, shared[1].host);
    assert.equal(daemon.engine.instances("shared").length, 1);
  });

  test("timeout: the request is cut with 433 TimeLimitReached, and the next one is served by a new instance", async () => {
    const first = await fetch(`${base}/short/slow?ms=10`).then((r) => r.json() as Promise<{ host: string }>);
    // The client has its answer a moment before the instance has the server's last lines (and is idle again).
    await waitFor(() => daemon.engine.instances("short").some((i) => i.state === "idle"));
    const hung = await fetch(`${base}/short/hang`);
    assert.equal(hung.status, 433);
    const body = (await hung.json()) as { errorMessage: string };
    assert.match(body.errorMessage, /^TimeLimitReached: Invoking task timed out after 2 seconds/);
    const next = await fetch(`${base}/short/slow?ms=10`).then((r) => r.json() as Promise<{ host: string }>);
    assert.notEqual(next.host, first.host, "the instance that timed out was replaced");
  });

  test("a server listening on 127.0.0.1 only fails to start, saying SCF forbids it and what to listen on", async () => {
    const response = await fetch(`${base}/loopback/hello`);
    assert.equal(response.status, 405);
    const body = (await response.json()) as { errorMessage: string };
    assert.match(body.errorMessage, /the web server listens on 127\.0\.0\.1:9000 only: SCF forbids the loopback address.*listen on 0\.0\.0\.0:9000/);
  });

  test("scf_bootstrap with CRLF line endings, or not executable, is an init error naming the file and the fix", async () => {
    const crlf = await fetch(`${base}/crlf`);
    assert.equal(crlf.status, 405);
    assert.match(((await crlf.json()) as { errorMessage: string }).errorMessage, /crlf\/scf_bootstrap has Windows line endings \(CRLF\).*\/bin\/bash\^M: bad interpreter.*dos2unix/);
    const noexec = await fetch(`${base}/noexec`);
    assert.equal(noexec.status, 405);
    assert.match(((await noexec.json()) as { errorMessage: string }).errorMessage, /noexec\/scf_bootstrap is not executable \(mode 644\).*chmod 755 scf_bootstrap/);
  });

  test("an interpreter path SCF does not have, and a server that never listens within initTimeout, are init errors saying so", async () => {
    const nopath = await fetch(`${base}/nopath`);
    assert.equal(nopath.status, 405);
    assert.match(((await nopath.json()) as { errorMessage: string }).errorMessage, /scf_bootstrap exited before its server listened on port 9000 \(exit status 127\); it runs \/var\/lang\/node99\/bin\/node, not one of SCF's standard paths .*use one of \/var\/lang\/node18\/bin\/node/s);
    const never = await fetch(`${base}/never`);
    assert.equal(never.status, 405);
    assert.match(((await never.json()) as { errorMessage: string }).errorMessage, /scf_bootstrap did not start a server listening on port 9000 within the init timeout of 3 s \(initTimeout\); last output:\nstarting but never listening/);
  });

  test("Debug Function on a web function: a CDP client stops at a breakpoint in the Express route handler through a real request", async () => {
    const session = await daemon.engine.debugSessions.start(daemon.engine.getFunction("site"), "test");
    assert.equal(session.protocol, "node");
    assert.equal(session.remoteRoot, "/var/user");
    const line = EXPRESS_APP.split("\n").findIndex((text) => text.includes("express handled"));
    const cdp = await CdpClient.connect(session);
    try {
      await cdp.send("Runtime.enable");
      await cdp.send("Debugger.enable");
      await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: "app\\.js$", lineNumber: line });
      await cdp.send("Runtime.runIfWaitingForDebugger");
      const start = await cdp.next("Debugger.paused");
      assert.equal(start.reason, "Break on start", "NODE_OPTIONS reached the node scf_bootstrap starts");
      await cdp.send("Debugger.resume");
      const answered = fetch(`${base}/express/hello?debug=yes`);
      const paused = await cdp.next("Debugger.paused");
      assert.deepEqual(cdp.where(paused.callFrames[0]), { url: "file:///var/user/app.js", line });
      const evaluated = await cdp.send("Debugger.evaluateOnCallFrame", { callFrameId: paused.callFrames[0].callFrameId, expression: "req.query.debug", returnByValue: true });
      assert.equal(evaluated.result.value, "yes");
      await cdp.send("Debugger.resume");
      const response = await answered;
      assert.equal(response.status, 200);
      assert.deepEqual(((await response.json()) as { query: unknown }).query, { debug: "yes" });
    } finally {
      cdp.close();
      await daemon.engine.debugSessions.stop(session.sessionId);
    }
  });

  test("Flask: /var/lang/python39/bin/python3.9 starts the server; the request and SCF's headers reach it; the log says which python runs", async () => {
    const response = await fetch(`${base}/flask/hello?x=1`, { method: "POST", body: "from the client" });
    assert.equal(response.status, 200, await response.clone().text());
    const seen = (await response.json()) as { method: string; path: string; args: unknown; body: string; headers: Record<string, string> };
    assert.deepEqual([seen.method, seen.path, seen.args, seen.body], ["POST", "/flask/hello", { x: "1" }, "from the client"]);
    assert.equal(seen.headers["X-Scf-Name"], "flask");
    assert.equal(seen.headers["X-Scf-Request-Id"], response.headers.get("x-faasbox-request-id"));
    const requestId = response.headers.get("x-faasbox-request-id")!;
    await waitFor(() => logs.some((r) => r.requestId === requestId && r.text.startsWith("Report")));
    const mine = logs.filter((r) => r.requestId === requestId).map((r) => r.text);
    assert.ok(mine.some((text) => /scf_bootstrap runs \/var\/lang\/python39\/bin\/python3\.9 \(python 3\.9 in SCF\); here it leads to the image's python 3\.11/.test(text)), mine.join("\n"));
    assert.ok(mine.some((text) => text.includes("flask handled /flask/hello")), mine.join("\n"));
  });

  test("Debug Function on a Flask web function: a DAP client (debugpy) stops at a breakpoint in the route through a real request", async () => {
    const spec = daemon.engine.getFunction("flask");
    const session = await daemon.engine.debugSessions.start(spec, "test", { debugpyPath: lendableDebugpy() });
    assert.equal(session.protocol, "python");
    const dap = await DapClient.connect(session.port);
    const file = join(spec.codeDir, "app.py");
    const line = FLASK_APP.split("\n").findIndex((text) => text.includes("flask handled")) + 1;
    try {
      await dap.request("initialize", { adapterID: "faasbox", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
      const attached = dap.request("attach", { pathMappings: [{ localRoot: session.localRoot, remoteRoot: session.remoteRoot }], justMyCode: true });
      await dap.next("initialized");
      const { breakpoints } = await dap.request("setBreakpoints", { source: { path: file }, breakpoints: [{ line }] });
      assert.equal(breakpoints[0].line, line);
      await dap.request("configurationDone");
      await attached;
      const answered = fetch(`${base}/flask/hello?debug=py`);
      const stopped = await dap.next("stopped");
      assert.equal(stopped.reason, "breakpoint");
      const { stackFrames } = await dap.request("stackTrace", { threadId: stopped.threadId });
      assert.deepEqual([stackFrames[0].source.path, stackFrames[0].line], [file, line]);
      const evaluated = await dap.request("evaluate", { expression: "request.args['debug']", frameId: stackFrames[0].id, context: "repl" });
      assert.equal(evaluated.result, "'py'");
      await dap.request("continue", { threadId: stopped.threadId });
      const response = await answered;
      assert.equal(response.status, 200);
    } finally {
      dap.close();
      await daemon.engine.debugSessions.stop(session.sessionId);
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("New Function's SCF Web function templates run as generated", () => {
  for (const language of ["nodejs", "python"] as const) {
    test(`${language === "nodejs" ? "Express" : "Flask"}: the generated folder, with its dependencies beside it, answers through the gateway`, async () => {
      await requireDocker();
      const root = realpathSync(mkdtempSync(join(tmpdir(), "faasbox-web-template-")));
      chmodSync(root, 0o755); // as a workspace folder is: the function's user reads it
      const name = `hello-${language}-web`;
      const { files, executable = [] } = functionTemplate({ name, language, trigger: "web", format: "scf" });
      for (const [file, content] of Object.entries(files)) write(root, file, content, executable.includes(file) ? 0o755 : 0o644);
      // What `npm install` / `pip install -t . flask` would put there, without a registry.
      if (language === "nodejs") copyNodePackage("express", root);
      else copyFlask(root);
      const daemon = await Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
      try {
        assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
        const response = await fetch(`${daemon.gateway.url}/${name}?name=template`);
        assert.equal(response.status, 200, await response.clone().text());
        assert.deepEqual(await response.json(), { message: "Hello, template!" });
      } finally {
        await daemon.shutdown();
      }
    });
  }
});
