import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadProject } from "../../../emulator/project/loadProject";
import { parseParameterOverrides, readParametersFile } from "../../../emulator/project/samOptions";
import { NODE_HANDLER, where, writeProject } from "./projectFiles";

const TEMPLATE = [
  "AWSTemplateFormatVersion: '2010-09-09'", // 1
  "Transform: AWS::Serverless-2016-10-31",
  "Parameters:",
  "  Stage:", // 4
  "    Type: String",
  "    Default: dev",
  "    AllowedValues: [dev, prod]",
  "  TableName:", // 8
  "    Type: String",
  "  Memory:", // 10
  "    Type: Number",
  "    Default: 128",
  "Resources:",
  "  Api:", // 14
  "    Type: AWS::Serverless::Function",
  "    Properties:",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "      MemorySize: !Ref Memory",
  "      Environment:",
  "        Variables:",
  "          STAGE: !Ref Stage",
  "          STACK: !Sub '${AWS::StackName}/${AWS::AccountId}/${AWS::Partition}/${AWS::URLSuffix}'",
  "  Reader:", // 24
  "    Type: AWS::Serverless::Function",
  "    Properties:",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "      Environment:",
  "        Variables:",
  "          TABLE: !Sub '${TableName}-${Stage}'", // 31
  "",
].join("\n");

function loadWith(parameters?: Record<string, string>) {
  const root = writeProject({ "template.yaml": TEMPLATE, "index.js": NODE_HANDLER });
  return { root, ...loadProject(root, { env: {}, sam: parameters ? { parameters } : undefined }) };
}

test("defaults apply, and a parameter without a default that nothing sets is an error naming it; only its users are left out", () => {
  const { root, project, problems } = loadWith();
  const file = join(root, "template.yaml");
  assert.deepEqual(problems.map(where), [
    { file, line: 8, field: "Parameters.TableName" },
    { file, line: 31, field: "Resources.Reader.Properties.Environment.Variables.TABLE" },
  ]);
  assert.match(problems[0].problem, /^parameter TableName has no Default and no value was given; expected a Default, or faasbox start --parameter-overrides TableName=VALUE/);
  assert.match(problems[1].problem, /^uses parameter TableName, which has no usable value/);
  assert.deepEqual(project.functions.map((f) => f.name), ["Api"]);
  const [api] = project.functions;
  assert.equal(api.memoryMb, 128);
  // sam local's pseudo parameter values (StackName "local", account 123456789012), the cloud's URL suffix.
  assert.deepEqual(api.environment, { STAGE: "dev", STACK: "local/123456789012/aws/amazonaws.com" });
});

test("given values win over defaults and fill the ones without", () => {
  const { project, problems } = loadWith({ TableName: "orders", Stage: "prod", Memory: "512" });
  assert.deepEqual(problems, []);
  const byName = Object.fromEntries(project.functions.map((f) => [f.name, f]));
  assert.equal(byName.Api.memoryMb, 512);
  assert.equal(byName.Reader.environment.TABLE, "orders-prod");
});

test("a value outside AllowedValues is an error at the parameter and leaves its users out", () => {
  const { root, project, problems } = loadWith({ TableName: "t", Stage: "qa" });
  assert.deepEqual(where(problems[0]), { file: join(root, "template.yaml"), line: 4, field: "Parameters.Stage" });
  assert.match(problems[0].problem, /^parameter Stage is "qa", not one of its AllowedValues dev, prod$/);
  assert.deepEqual(project.functions, []);
});

test("--parameter-overrides takes Key=Value and ParameterKey=,ParameterValue= forms; a parameters file is CloudFormation's JSON list", () => {
  assert.deepEqual(parseParameterOverrides(["Stage=prod TableName=t", "ParameterKey=Memory,ParameterValue=256"]), {
    Stage: "prod",
    TableName: "t",
    Memory: "256",
  });
  assert.throws(() => parseParameterOverrides(["Stage"]), /"Stage" is not KEY=VALUE/);
  const root = writeProject({});
  const file = join(root, "params.json");
  writeFileSync(file, JSON.stringify([{ ParameterKey: "Stage", ParameterValue: "prod" }, { ParameterKey: "Memory", ParameterValue: 256 }]));
  assert.deepEqual(readParametersFile(file), { Stage: "prod", Memory: "256" });
  writeFileSync(file, '{"Stage": "prod"}');
  assert.throws(() => readParametersFile(file), /not a list; expected a JSON list such as \[\{"ParameterKey"/);
});
