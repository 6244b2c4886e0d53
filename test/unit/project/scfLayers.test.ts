import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

const manifest = (layers: string) => `component: scf
name: hello
inputs:
  name: hello
  src: ./
  handler: index.main_handler
  runtime: Nodejs16.13
${layers}`;

test("scf inputs.layers are told as cloud-only at their line; the function still loads", () => {
  const root = writeProject({
    "serverless.yml": manifest("  layers:\n    - name: shared\n      version: 2\n"),
    "index.js": SCF_NODE_HANDLER,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.equal(project.functions.length, 1);
  assert.deepEqual(warnings.map(where), [{ file: join(root, "serverless.yml"), line: 9, field: "inputs.layers[0]" }]);
  assert.match(warnings[0].problem, /SCF layer shared version 2 is in the cloud and is not loaded locally/);
});

test("a malformed scf inputs.layers is an error naming the field, and leaves the function out", () => {
  const root = writeProject({ "serverless.yml": manifest("  layers:\n    - shared\n"), "index.js": SCF_NODE_HANDLER });
  const { project, problems } = load(root);
  assert.equal(project.functions.length, 0);
  assert.deepEqual(problems.map(where), [{ file: join(root, "serverless.yml"), line: 9, field: "inputs.layers[0]" }]);
  assert.match(problems[0].problem, /expected a list of layers such as/);
});
