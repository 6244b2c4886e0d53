// Every example in examples/ as a user meets it, on whichever engine the tier runs against (the
// local one, or in the remote tier one that shares neither network nor files): its HTTP route
// answers through the gateway, the handler's log line is in the function's log, an edit to the
// handler is served at the next request, and a breakpoint on the log line stops there (Node
// through the inspector's protocol, Python through debugpy's), the value of `name` readable.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import type { LogRecord } from "../../emulator/protocol";
import { CdpClient } from "../helpers/cdpClient";
import { DapClient } from "../helpers/dapClient";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { REPO_ROOT } from "../helpers/paths";

interface Example {
  /** The folder under examples/. */
  dir: string;
  /** Its functions: the route path, the handler file (relative to the example) and the line (1-based) of its log call. */
  functions: { name: string; path: string; file: string; language: "node" | "python" }[];
}

const EXAMPLES: Example[] = [
  {
    dir: "sam",
    functions: [
      { name: "HelloNode", path: "/sam/hello-node", file: "node/app.js", language: "node" },
      { name: "HelloPython", path: "/sam/hello-python", file: "python/app.py", language: "python" },
    ],
  },
  { dir: "scf/node", functions: [{ name: "hello-node", path: "/scf/hello-node", file: "index.js", language: "node" }] },
  { dir: "scf/python", functions: [{ name: "hello-python", path: "/scf/hello-python", file: "index.py", language: "python" }] },
];

/** The 1-based line of the handler's log call (console.log / print). */
function logLine(source: string): number {
  const index = source.split("\n").findIndex((line) => /console\.log\(|print\(/.test(line));
  assert.ok(index >= 0, "the example logs a line");
  return index + 1;
}

for (const example of EXAMPLES) {
  describe(`examples/${example.dir}`, () => {
    let daemon: Daemon;
    let root: string;
    const logs: LogRecord[] = [];

    before(async () => {
      await requireDocker();
      root = mkdtempSync(join(tmpdir(), "faasbox-example-"));
      chmodSync(root, 0o755);
      cpSync(join(REPO_ROOT, "examples", example.dir), root, { recursive: true });
      daemon = await Daemon.start({ root, executor: "docker", watch: true, httpPort: 0, invokePort: 0 });
      assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
      daemon.engine.logBus.subscribe((record) => void logs.push(record));
    });

    after(async () => {
      await daemon?.shutdown();
      assert.deepEqual(await leftoverContainers(await requireDocker()), []);
    });

    const get = async (path: string, name: string) => {
      const route = daemon.triggers().routes.find((r) => r.path === path);
      assert.ok(route, `a route ${path}: ${JSON.stringify(daemon.triggers().routes.map((r) => r.path))}`);
      const response = await fetch(`${route.url}?name=${name}`);
      return { status: response.status, body: (await response.json()) as { message: string } };
    };

    for (const fn of example.functions) {
      test(`${fn.name}: its route answers and its log line is in the function's log`, async () => {
        const { status, body } = await get(fn.path, "remote");
        assert.equal(status, 200);
        assert.match(body.message, /^Hello remote from (Node\.js|Python) /);
        await waitFor(() => logs.some((r) => r.function === fn.name && r.text.includes(`greets remote`)), `${fn.name}'s log line`);
      });

      test(`${fn.name}: an edit to the handler is served at the next request`, async () => {
        const file = join(root, fn.file);
        const source = readFileSync(file, "utf8");
        writeFileSync(file, source.replace("{os.environ['GREETING']}", "Howdy").replace("${process.env.GREETING}", "Howdy"));
        try {
          await waitFor(async () => (await get(fn.path, "again")).body.message.startsWith("Howdy again"), `${fn.name} to serve the edit`, 15_000);
        } finally {
          writeFileSync(file, source);
        }
        await waitFor(async () => (await get(fn.path, "back")).body.message.startsWith("Hello back"), `${fn.name} to serve the original again`, 15_000);
      });

      test(`${fn.name}: a breakpoint on the log line stops there with the request's values`, async () => {
        const spec = daemon.engine.getFunction(fn.name);
        const file = join(root, fn.file);
        const line = logLine(readFileSync(file, "utf8"));
        const session = await daemon.engine.debugSessions.start(spec, "test");
        try {
          if (fn.language === "node") {
            const cdp = await CdpClient.connect(session);
            try {
              await cdp.send("Debugger.enable");
              const name = fn.file.split("/").pop()!.replace(".", "\\.");
              await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: `${name}$`, lineNumber: line - 1 });
              await cdp.send("Runtime.runIfWaitingForDebugger");
              assert.equal((await cdp.next("Debugger.paused")).reason, "Break on start");
              await cdp.send("Debugger.resume");
              const answered = get(fn.path, "debugger");
              const paused = await cdp.next("Debugger.paused");
              assert.equal(cdp.where(paused.callFrames[0]).line, line - 1);
              const value = await cdp.send("Debugger.evaluateOnCallFrame", { callFrameId: paused.callFrames[0].callFrameId, expression: "name", returnByValue: true });
              assert.equal(value.result.value, "debugger");
              await cdp.send("Debugger.resume");
              assert.equal((await answered).status, 200);
            } finally {
              cdp.close();
            }
          } else {
            const dap = await DapClient.connect(session.port);
            try {
              await dap.request("initialize", { adapterID: "faasbox", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
              const attached = dap.request("attach", { pathMappings: [{ localRoot: session.localRoot, remoteRoot: session.remoteRoot }], justMyCode: true });
              await dap.next("initialized");
              await dap.request("setBreakpoints", { source: { path: file }, breakpoints: [{ line }] });
              await dap.request("configurationDone");
              await attached;
              const answered = get(fn.path, "debugger");
              const stopped = await dap.next("stopped");
              const { stackFrames } = await dap.request("stackTrace", { threadId: stopped.threadId });
              assert.equal(stackFrames[0].source.path, file, "the frame is the workspace file");
              assert.equal(stackFrames[0].line, line);
              const value = await dap.request("evaluate", { expression: "name", frameId: stackFrames[0].id, context: "repl" });
              assert.equal(value.result, "'debugger'");
              await dap.request("continue", { threadId: stopped.threadId });
              assert.equal((await answered).status, 200);
            } finally {
              dap.close();
            }
          }
        } finally {
          await daemon.engine.debugSessions.stop(session.sessionId);
        }
      });
    }
  });
}
