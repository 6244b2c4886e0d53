import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "../../../emulator/project/loadProject";
import { readEnvVarsFile } from "../../../emulator/project/samEnvVarsFile";
import { NODE_HANDLER, where, writeProject } from "./projectFiles";

const TEMPLATE = [
  "Transform: AWS::Serverless-2016-10-31",
  "Resources:",
  "  Api:",
  "    Type: AWS::Serverless::Function",
  "    Properties:",
  "      FunctionName: api-fn",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "      Environment:",
  "        Variables:",
  "          TABLE: prod-table",
  "          STAGE: prod",
  "  Worker:",
  "    Type: AWS::Serverless::Function",
  "    Properties:",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "      Environment:",
  "        Variables:",
  "          TABLE: prod-table",
  "",
].join("\n");

const ENV_VARS = `{
  "Parameters": {
    "TABLE": "local-table",
    "NOBODY": "x"
  },
  "api-fn": {
    "STAGE": "dev",
    "EXTRA": 1
  },
  "Ghost": {
    "A": "b"
  }
}
`;

function loadWithEnvVars(text: string) {
  const root = writeProject({ "template.yaml": TEMPLATE, "index.js": NODE_HANDLER, "env.json": text });
  const file = join(root, "env.json");
  return { file, ...loadProject(root, { env: {}, sam: { envVars: readEnvVarsFile(file) } }) };
}

test("--env-vars: Parameters apply to every function that declares the variable, a function's own entry (by FunctionName) wins", () => {
  const { project, problems } = loadWithEnvVars(ENV_VARS);
  assert.deepEqual(problems, []);
  const api = project.functions.find((f) => f.name === "api-fn");
  const worker = project.functions.find((f) => f.name === "Worker");
  assert.deepEqual(api?.environment, { TABLE: "local-table", STAGE: "dev" });
  assert.deepEqual(worker?.environment, { TABLE: "local-table" }, "Worker does not declare STAGE, so nothing adds it");
});

test("--env-vars: what the template does not declare, or no function has, is a warning at the file's line, never added silently", () => {
  const { file, warnings } = loadWithEnvVars(ENV_VARS);
  const fromFile = warnings.filter((w) => w.file === file);
  assert.deepEqual(fromFile.map(where), [
    { file, line: 8, field: "api-fn.EXTRA" },
    { file, line: 4, field: "Parameters.NOBODY" },
    { file, line: 10, field: "Ghost" },
  ]);
  assert.match(fromFile[0].problem, /EXTRA is not in Api's Environment.Variables/);
  assert.match(fromFile[2].problem, /no loaded SAM function has the logical id or FunctionName "Ghost"/);
});

test("--env-vars: a file that is not SAM's shape is an error naming the file and what is expected", () => {
  const root = writeProject({ "bad.json": '{"Parameters": ["A"]}', "broken.json": "{", "nested.json": '{"Fn": {"A": {"b": 1}}}' });
  assert.throws(() => readEnvVarsFile(join(root, "bad.json")), /--env-vars .*bad\.json: Parameters is not an object of variables; expected a JSON object such as/);
  assert.throws(() => readEnvVarsFile(join(root, "broken.json")), /--env-vars .*broken\.json: .*; expected a JSON object/);
  assert.throws(() => readEnvVarsFile(join(root, "nested.json")), /Fn\.A is an object; expected a string, number or boolean/);
  assert.throws(() => readEnvVarsFile(join(root, "missing.json")), /--env-vars .*missing\.json: ENOENT/);
});
