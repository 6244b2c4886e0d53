import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { fixture, load, where, writeProject } from "./projectFiles";

test("one workspace of Tencent projects as their docs write them (v1 components, the framework plugin, multi-scf) lists every function", () => {
  const root = writeProject({});
  for (const name of ["components-v1-quickstart", "components-v1-scf", "sls-tencent-nodejs", "multi-scf"]) {
    cpSync(fixture(name), join(root, name), { recursive: true });
  }
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.runtime, f.handler, f.triggers.map((t) => (t.kind === "http" ? `${t.method} ${t.path}` : `${t.kind} ${t.name}`))]),
    [
      ["myFunction", "Nodejs8.9", "index.main_handler", ["GET /"]],
      ["myFunction1", "Nodejs8.9", "index.main_handler", []],
      ["myFunction2", "Nodejs8.9", "index.main_handler", []],
      ["index", "Nodejs12.16", "app.index", ["timer timer1", "GET /"]],
      ["userList", "Nodejs12.16", "app.userList", ["POST /"]],
      ["function_one", "Nodejs8.9", "index.main_handler", []],
    ],
  );
  // What differs from the cloud is said at its line: the v1 README's include list and VPC.
  const v1 = join(root, "components-v1-scf", "serverless.yml");
  assert.deepEqual(warnings.map(where), [
    { file: v1, line: 20, field: "myFunction1.inputs.include" },
    { file: v1, line: 25, field: "myFunction1.inputs.vpcConfig" },
  ]);
});
