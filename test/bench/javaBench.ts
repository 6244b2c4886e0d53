import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { javaCdsCacheDir } from "../../emulator/config/paths";
import { Daemon } from "../../emulator/daemon/daemon";
import { ControlClient } from "../../emulator/client/controlClient";
import { Requests } from "../../emulator/protocol";
import { compileJava, jarOf, javaProjectDir, openForReading, removeDir } from "../helpers/javaProject";
import { JdbSession } from "../helpers/jdbSession";
import type { Row } from "./emulatorBench";
import { ms, percentile } from "./stats";

const COLD_RUNS = 10;
const WARM_RUNS = 300;
const DEBUG_RUNS = 5;

/** The smallest Java function: a RequestHandler that returns at once, so what is measured is Faasbox and the JVM. */
const NOOP = {
  "bench/Noop.java": `package bench;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
public class Noop implements RequestHandler<Map<String, Object>, String> {
  public String handleRequest(Map<String, Object> event, Context context) {
    return "ok";
  }
}
`,
};

const MANIFEST = `functions:
  noop-java:
    runtime: java17
    codeUri: code
    handler: bench.Noop::handleRequest
    memorySize: 512
`;

/** Waits for the function's class-data-sharing archive, which the shim makes in the background after the first invocation. */
async function archiveMade(functionName: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  const cache = javaCdsCacheDir();
  while (Date.now() < deadline) {
    const folders = existsSync(cache) ? readdirSync(cache).filter((name) => name.startsWith(`${functionName}-`)) : [];
    if (folders.some((folder) => existsSync(join(cache, folder, "classes.jsa")))) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no class-data-sharing archive for ${functionName} in ${cache} after 120 s`);
}

/**
 * Java cold start (no warm instance → result) without and with the function's class-data-sharing
 * archive (FAASBOX_JAVA_CDS=off for the first), and warm overhead (round trip − handler duration),
 * through the control API.
 */
export async function javaBench(): Promise<Row[]> {
  const project = javaProjectDir(MANIFEST);
  // A Maven project's jar, as most Java functions are: the JDK archives classes from jars, not folders.
  mkdirSync(join(project, "code"));
  writeFileSync(join(project, "code", "pom.xml"), "<project/>\n");
  jarOf(compileJava(NOOP), join(project, "code", "target", "noop-1.0.jar"));
  openForReading(project);
  // Cold starts with nothing ready: no standby instance.
  const daemon = await Daemon.start({ root: project, executor: "docker", watch: false, httpPort: 0, invokePort: 0, standby: { enabled: false } });
  const client = await ControlClient.connect(daemon.controlUrl, daemon.token);
  const rows: Row[] = [];
  try {
    const coldStarts = async (runs: number): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        for (const instance of daemon.engine.instances("noop-java")) await daemon.engine.stopInstance(instance.id);
        const started = performance.now();
        const result = await client.request(Requests.invoke, { function: "noop-java", event: {} });
        if (!result.timings.cold) throw new Error("expected a cold start");
        times.push(performance.now() - started);
      }
      return times;
    };
    const cdsSetting = process.env.FAASBOX_JAVA_CDS;
    const withCds = (on: boolean): void => {
      // Read at each instance's launch.
      if (!on) process.env.FAASBOX_JAVA_CDS = "off";
      else if (cdsSetting === undefined) delete process.env.FAASBOX_JAVA_CDS;
      else process.env.FAASBOX_JAVA_CDS = cdsSetting;
    };
    // The first cold start prepares the image and makes the archive; then the two kinds alternate,
    // so that the load of a shared machine weighs on both alike.
    withCds(true);
    await coldStarts(1);
    await archiveMade("noop-java");
    const withoutArchive: number[] = [];
    const withArchive: number[] = [];
    try {
      for (let i = 0; i < COLD_RUNS; i++) {
        withCds(false);
        withoutArchive.push(...(await coldStarts(1)));
        withCds(true);
        withArchive.push(...(await coldStarts(1)));
      }
    } finally {
      withCds(true);
    }
    rows.push({ name: "Java cold start without class-data archive (no warm instance → result), p50", value: ms(percentile(withoutArchive, 50)) });
    rows.push({ name: "Java cold start with the function's class-data archive, p50", value: ms(percentile(withArchive, 50)) });

    const total: number[] = [];
    const overhead: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      const started = performance.now();
      const result = await client.request(Requests.invoke, { function: "noop-java", event: {} });
      const elapsed = performance.now() - started;
      total.push(elapsed);
      overhead.push(elapsed - result.timings.durationMs);
    }
    rows.push({ name: "Java warm invoke round trip, p50 / p99", value: `${ms(percentile(total, 50))} / ${ms(percentile(total, 99))}` });
    rows.push({ name: "Java warm overhead (round trip − handler duration), p50 / p99", value: `${ms(percentile(overhead, 50))} / ${ms(percentile(overhead, 99))}` });

    // As the Node and Python rows of debugBench: from "debug this function" to stopped at a line of the handler, with jdb.
    const debug: number[] = [];
    const spec = daemon.engine.getFunction("noop-java");
    for (let i = 0; i < DEBUG_RUNS; i++) {
      const started = performance.now();
      const session = await daemon.engine.debugSessions.start(spec, "bench");
      const jdb = JdbSession.attach(session.host, session.port);
      try {
        await jdb.until(/VM Started/, "the suspended VM");
        jdb.send("stop at bench.Noop:7");
        await jdb.until(/breakpoint bench\.Noop:7/, "the breakpoint set");
        jdb.send("cont");
        const invoked = daemon.engine.invoke("noop-java", {});
        await jdb.until(/Breakpoint hit/, "the breakpoint hit");
        debug.push(performance.now() - started);
        jdb.send("cont");
        await invoked;
      } finally {
        await jdb.close();
        await daemon.engine.debugSessions.stop(session.sessionId);
      }
    }
    rows.push({ name: "Java debug start → breakpoint hit (jdb), p50", value: ms(percentile(debug, 50)) });
  } finally {
    client.dispose();
    await daemon.shutdown();
    removeDir(project);
  }
  return rows;
}
