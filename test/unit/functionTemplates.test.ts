import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../emulator/core/engine";
import { triggerSampleEvent } from "../../emulator/triggers/events/triggerSample";
import { loadProject } from "../../emulator/project/loadProject";
import { functionTemplate, isValidFunctionName, samLogicalId, type Language, type ManifestFormat, type TriggerKind } from "../../extension/templates/functionTemplates";

test("every New Function template loads without problems and its handler runs on the first event the editor offers it (its own trigger's)", async () => {
  const root = mkdtempSync(join(tmpdir(), "faasbox-templates-"));
  const made: { name: string; trigger: TriggerKind; format: ManifestFormat }[] = [];
  for (const language of ["nodejs", "python"] as Language[]) {
    for (const trigger of ["http", "timer", "topic"] as TriggerKind[]) {
      for (const format of ["scf", "sam"] as ManifestFormat[]) {
        const name = `${language === "nodejs" ? "node" : "py"}-${trigger}-${format}`;
        const { files } = functionTemplate({ name, language, trigger, format });
        mkdirSync(join(root, name));
        for (const [file, content] of Object.entries(files)) writeFileSync(join(root, name, file), content);
        made.push({ name, trigger, format });
      }
    }
  }
  const { project, problems } = loadProject(root);
  assert.deepEqual(problems.map((p) => p.message), []);
  assert.equal(project.functions.length, 12);

  const emulator = await Engine.create({ root, executor: "process", watch: false });
  try {
    for (const { name, trigger, format } of made) {
      // The name typed is the function's, in both clouds (SAM: as FunctionName beside the alphanumeric logical id).
      const spec = emulator.functions().find((f) => f.name === name)!;
      assert.ok(spec, `${name} loaded under the name typed; loaded: ${emulator.functions().map((f) => f.name).join(", ")}`);
      assert.equal(spec.dialect, format === "scf" ? "scf" : "aws");
      assert.equal(spec.triggers[0]?.kind, trigger === "topic" ? "topic" : trigger);
      const result = await emulator.invoke(spec.name, triggerSampleEvent(spec, spec.triggers[0]));
      assert.equal(result.ok, true, `${name}: ${JSON.stringify(result.error)}`);
    }
  } finally {
    await emulator.shutdown();
  }
});

test("a SAM template keeps the name typed as FunctionName under an alphanumeric logical id", () => {
  const { files } = functionTemplate({ name: "hello-http", language: "nodejs", trigger: "http", format: "sam" });
  assert.match(files["template.yaml"], /^  HelloHttp:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: hello-http\n/m);
  assert.equal(samLogicalId("hello_http-2"), "HelloHttp2");
});

test("function names follow the clouds' rules", () => {
  assert.equal(isValidFunctionName("hello-http"), true);
  assert.equal(isValidFunctionName("9lives"), false);
  assert.equal(isValidFunctionName("has space"), false);
});
