import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import { ControlClient } from "../../emulator/client/controlClient";
import { Requests } from "../../emulator/protocol";
import { compileJava, copyClasses, javaProjectDir, openForReading, removeDir } from "../helpers/javaProject";
import type { Row } from "./emulatorBench";
import { ms, percentile } from "./stats";

const COLD_RUNS = 10;
const WARM_RUNS = 300;

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

/** Java cold start (no warm instance → result) and warm overhead (round trip − handler duration), through the control API. */
export async function javaBench(): Promise<Row[]> {
  const project = javaProjectDir(MANIFEST);
  copyClasses(compileJava(NOOP), join(project, "code"));
  openForReading(project);
  const daemon = await Daemon.start({ root: project, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
  const client = await ControlClient.connect(daemon.controlUrl, daemon.token);
  const rows: Row[] = [];
  try {
    const cold: number[] = [];
    // The first run is left out: it prepares what later cold starts reuse (the image, and the class-data archive where one is made).
    for (let i = 0; i <= COLD_RUNS; i++) {
      for (const instance of daemon.engine.instances("noop-java")) await daemon.engine.stopInstance(instance.id);
      const started = performance.now();
      const result = await client.request(Requests.invoke, { function: "noop-java", event: {} });
      if (!result.timings.cold) throw new Error("expected a cold start");
      if (i > 0) cold.push(performance.now() - started);
    }
    rows.push({ name: "Java cold start (no warm instance → result), p50", value: ms(percentile(cold, 50)) });

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
  } finally {
    client.dispose();
    await daemon.shutdown();
    removeDir(project);
  }
  return rows;
}
