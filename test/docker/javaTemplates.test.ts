// New Function's Java templates, end to end: generated, built with their own build.sh (javac and
// jar only), loaded from their manifests and invoked on the docker executor with the first event the
// editor offers them (their own trigger's; its HTTP sample asks ?name=faasbox).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Engine } from "../../emulator/core/engine";
import { triggerSampleEvent } from "../../emulator/triggers/events/triggerSample";
import { functionTemplate, type ManifestFormat } from "../../extension/templates/functionTemplates";
import { requireDocker } from "../helpers/docker";
import { openForReading, removeDir } from "../helpers/javaProject";

const CASES: { trigger: "http" | "timer"; format: ManifestFormat }[] = [
  { trigger: "http", format: "scf" },
  { trigger: "timer", format: "scf" },
  { trigger: "http", format: "sam" },
  { trigger: "timer", format: "sam" },
];

describe("Java New Function templates (docker executor)", () => {
  let root: string;
  let emulator: Engine;

  before(async () => {
    await requireDocker();
    root = mkdtempSync(join(tmpdir(), "faasbox-java-templates-"));
    for (const { trigger, format } of CASES) {
      const name = `java-${trigger}-${format}`;
      const { files, executable = [] } = functionTemplate({ name, language: "java", trigger, format });
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(dirname(join(root, name, file)), { recursive: true });
        writeFileSync(join(root, name, file), content);
        if (executable.includes(file)) chmodSync(join(root, name, file), 0o755);
      }
      const built = spawnSync(join(root, name, "build.sh"), { encoding: "utf8" });
      assert.equal(built.status, 0, `${name}: build.sh failed (it needs javac and jar: scripts/setup.sh installs the JDK):\n${built.stdout}${built.stderr}`);
    }
    openForReading(root);
    emulator = await Engine.create({ root, executor: "docker", watch: false });
    assert.deepEqual(emulator.problems.map((p) => p.message), []);
  });
  after(async () => {
    await emulator?.shutdown();
    if (root) removeDir(root);
  });

  for (const { trigger, format } of CASES) {
    test(`${format} ${trigger}: the built function answers its trigger's first event`, async () => {
      const spec = emulator.getFunction(`java-${trigger}-${format}`);
      assert.equal(spec.family, "java");
      const result = await emulator.invoke(spec.name, triggerSampleEvent(spec, spec.triggers[0]));
      assert.equal(result.ok, true, JSON.stringify(result.error));
      if (trigger === "timer") assert.deepEqual(result.result, { done: true });
      else if (format === "sam") assert.deepEqual(result.result, { message: "Hello, faasbox!" });
      else assert.deepEqual(result.result, { isBase64Encoded: false, statusCode: 200, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "Hello, faasbox!" });
    });
  }
});
