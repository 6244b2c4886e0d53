// A Java function's class-data-sharing archive (made after the first invocation, reused by later
// cold starts while the jar is unchanged) and hot reload when a Maven build rewrites the jar.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../../emulator/core/engine";
import type { InvokeResult } from "../../emulator/protocol/invocation";
import { requireDocker } from "../helpers/docker";
import { waitFor } from "../helpers/emulator";
import { compileJava, jarOf, javaProjectDir, openForReading, removeDir } from "../helpers/javaProject";
import { messageOf } from "../helpers/logLines";

const handler = (version: string) => ({
  "example/Versioned.java": `package example;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
public class Versioned implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    return Map.of("version", "${version}", "echo", event);
  }
}
`,
});

const MANIFEST = `functions:
  versioned: { runtime: java17, codeUri: app, handler: example.Versioned }
`;

/** The archive path a notice of the invocation names, and whether it said "reused". */
function cdsNotice(result: InvokeResult): { reused: boolean; path: string } {
  const texts = result.logs.map((r) => messageOf(r.text));
  const reused = texts.map((t) => /class-data-sharing archive reused \((.+)\)$/.exec(t)).find(Boolean);
  if (reused) return { reused: true, path: reused[1] };
  const made = texts.map((t) => /no class-data-sharing archive yet; .* \((.+)\)$/.exec(t)).find(Boolean);
  assert.ok(made, `no class-data-sharing notice in:\n${texts.join("\n")}`);
  return { reused: false, path: made[1] };
}

describe("Java class-data sharing and hot reload (docker executor)", () => {
  let project: string;
  let emulator: Engine | undefined;
  const jar = () => join(project, "app", "target", "versioned-1.0.jar");

  before(async () => {
    await requireDocker();
    project = javaProjectDir(MANIFEST);
    mkdirSync(join(project, "app"), { recursive: true });
    writeFileSync(join(project, "app", "pom.xml"), "<project><modelVersion>4.0.0</modelVersion><groupId>example</groupId><artifactId>versioned</artifactId><version>1.0</version></project>\n");
    jarOf(compileJava(handler("v1")), jar());
    openForReading(project);
  });
  after(async () => {
    await emulator?.shutdown();
    removeDir(project);
  });

  test("the first cold start makes the archive, a rebuilt jar reloads and gets its own, the next cold start reuses it", async (t) => {
    emulator = await Engine.create({ root: project, watch: true, executor: "docker" });
    const first = await emulator.invoke("versioned", { n: 1 });
    assert.equal(first.ok, true, JSON.stringify(first.error));
    assert.deepEqual(first.result, { version: "v1", echo: { n: 1 } });
    const firstArchive = cdsNotice(first);
    await waitFor(() => existsSync(firstArchive.path), `the archive ${firstArchive.path}`, 60_000);

    // `mvn package` again: the running instance is replaced, and the new jar runs.
    jarOf(compileJava(handler("v2")), jar());
    openForReading(project);
    let reloaded: InvokeResult | undefined;
    await waitFor(async () => {
      reloaded = await emulator!.invoke("versioned", { n: 2 });
      return (reloaded.result as { version?: string }).version === "v2";
    }, "the rebuilt jar to run", 30_000);
    // A new instance: one started for the call (cold), or the standby made for the rebuilt jar (its init came before the call).
    const newInstance = emulator.instances("versioned").find((i) => i.id === reloaded!.instanceId);
    assert.notEqual(reloaded!.instanceId, first.instanceId, "the rebuilt jar runs on a new instance");
    assert.ok(reloaded!.timings.cold || newInstance?.invocations === 1, `a fresh instance: ${JSON.stringify(reloaded!.timings)}`);
    const secondArchive = cdsNotice(reloaded!);
    assert.equal(secondArchive.reused, false, "a changed jar does not reuse the old jar's archive");
    assert.notEqual(secondArchive.path, firstArchive.path);
    await waitFor(() => existsSync(secondArchive.path), `the archive ${secondArchive.path}`, 60_000);
    await emulator.shutdown();

    // A new emulator on the unchanged jar: its cold start maps the archive in.
    emulator = await Engine.create({ root: project, watch: false, executor: "docker" });
    const again = await emulator.invoke("versioned", { n: 3 });
    assert.equal(again.ok, true, JSON.stringify(again.error));
    assert.deepEqual(again.result, { version: "v2", echo: { n: 3 } });
    assert.equal(again.timings.cold, true);
    assert.deepEqual(cdsNotice(again), { reused: true, path: secondArchive.path });
    // The JVM says on its output when it cannot map an archive (-Xshare:auto goes on without it).
    const output = again.logs.map((r) => messageOf(r.text)).join("\n");
    assert.doesNotMatch(output, /shared archive|\[cds/i);
    t.diagnostic(`init without archive ${first.timings.initMs} ms (first), ${reloaded!.timings.initMs} ms (reloaded); with archive ${again.timings.initMs} ms`);
  });
});
