import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

test("a key written twice in Outputs loses nothing: the functions load and the repeat is a warning at its line", () => {
  const root = writeProject({
    "template.yaml": [
      "AWSTemplateFormatVersion: '2010-09-09'", // 1
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  HelloWorldFunction:",
      "    Type: AWS::Serverless::Function",
      "    Properties:",
      "      CodeUri: hello-world/",
      "      Handler: app.handler",
      "      Runtime: nodejs20.x",
      "      Timeout: 3", // 10
      "      Timeout: 7", // 11
      "Outputs:",
      "  HelloWorldApi:",
      "    Value: first",
      "  HelloWorldApi:", // 15
      "    Value: second",
      "",
    ].join("\n"),
    "hello-world/app.js": NODE_HANDLER,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions.map((f) => [f.name, f.timeoutSec]), [["HelloWorldFunction", 7]], "the last Timeout wins");
  const file = join(root, "template.yaml");
  assert.deepEqual(warnings.map(where), [
    { file, line: 11, field: "Resources.HelloWorldFunction.Properties.Timeout" },
    { file, line: 15, field: "Outputs.HelloWorldApi" },
  ]);
});

test("a duplicate key in another tool's template.yaml is not ours to warn about", () => {
  const root = writeProject({ "template.yaml": "Resources: {}\nDescription: a\nDescription: b\n" });
  const { warnings, problems } = load(root);
  assert.deepEqual([warnings, problems], [[], []]);
});
