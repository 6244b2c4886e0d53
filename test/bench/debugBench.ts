import { join } from "node:path";
import { Engine } from "../../emulator/core/engine";
import { CdpClient } from "../helpers/cdpClient";
import { DapClient } from "../helpers/dapClient";
import { copyFixture } from "../helpers/emulator";
import type { Row } from "./emulatorBench";
import { ms, percentile } from "./stats";

const RUNS = 6;

/** A developer debugs again after reading or editing a while, not within milliseconds: the spare has started meanwhile. */
function aMomentLater(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2000));
}

/** From "debug this function" to the debugger stopped at a breakpoint in the handler, with real protocol clients. */
export async function debugBench(): Promise<Row[]> {
  const emulator = await Engine.create({ root: copyFixture("runtime"), executor: "docker", watch: false });
  const node: number[] = [];
  const python: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const session = await emulator.debugSessions.start(emulator.getFunction("node-cjs"), "bench");
      const cdp = await CdpClient.connect(session);
      await cdp.send("Debugger.enable");
      await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: "cjs\\.js$", lineNumber: 4 });
      await cdp.send("Runtime.runIfWaitingForDebugger");
      await cdp.next("Debugger.paused"); // break on start
      await cdp.send("Debugger.resume");
      const invoked = emulator.invoke("node-cjs", {});
      await cdp.next("Debugger.paused");
      node.push(performance.now() - started);
      await cdp.send("Debugger.resume");
      await invoked;
      cdp.close();
      await emulator.debugSessions.stop(session.sessionId);
      await aMomentLater();
    }
    const spec = emulator.getFunction("python-aws");
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const session = await emulator.debugSessions.start(spec, "bench");
      const dap = await DapClient.connect(session.port);
      await dap.request("initialize", { adapterID: "faasbox", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
      const attached = dap.request("attach", { pathMappings: [{ localRoot: session.localRoot, remoteRoot: session.remoteRoot }] });
      await dap.next("initialized");
      await dap.request("setBreakpoints", { source: { path: join(spec.codeDir, "app.py") }, breakpoints: [{ line: 7 }] });
      await dap.request("configurationDone");
      await attached;
      const invoked = emulator.invoke("python-aws", {});
      const stopped = await dap.next("stopped");
      python.push(performance.now() - started);
      await dap.request("continue", { threadId: stopped.threadId });
      await invoked;
      dap.close();
      await emulator.debugSessions.stop(session.sessionId);
      await aMomentLater();
    }
  } finally {
    await emulator.shutdown();
  }
  // The first session of each starts its instance then; the next find a spare ready (debugSpares.ts).
  const [nodeFirst, ...nodeAgain] = node;
  const [pythonFirst, ...pythonAgain] = python;
  return [
    {
      name: `debug start → breakpoint hit, Node (CDP): debugged again (a spare ready), p50 of ${nodeAgain.length} (goal ≤ 300 ms); first session`,
      value: `${ms(percentile(nodeAgain, 50))}; ${ms(nodeFirst)}`,
      figures: { "debug.node.p50": percentile(nodeAgain, 50), "debug.node.first": nodeFirst },
    },
    {
      name: `debug start → breakpoint hit, Python (DAP, debugpy): debugged again (no spare: debugpy takes any client), p50 of ${pythonAgain.length} (goal ≤ 600 ms); first session`,
      value: `${ms(percentile(pythonAgain, 50))}; ${ms(pythonFirst)}`,
      figures: { "debug.python.p50": percentile(pythonAgain, 50), "debug.python.first": pythonFirst },
    },
  ];
}
