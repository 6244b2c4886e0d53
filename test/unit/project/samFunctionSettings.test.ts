import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "../../../emulator/project/loadProject";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

const TEMPLATE = [
  "Transform: AWS::Serverless-2016-10-31",
  "Globals:",
  "  Function:",
  "    Tracing: Active", // 4
  "Resources:",
  "  Capped:",
  "    Type: AWS::Serverless::Function",
  "    Properties:",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "      Description: quiet metadata",
  "      Tags: { team: a }",
  "      ReservedConcurrentExecutions: 2",
  "      VpcConfig:", // 14
  "        SubnetIds: [subnet-1]",
  "      Policies: [AWSLambdaBasicExecutionRole]", // 16
  "      AutoPublishAlias: live", // 17
  "      SomethingNew: 1", // 18
  "      EventInvokeConfig:",
  "        MaximumRetryAttempts: 0",
  "        MaximumEventAgeInSeconds: 120",
  "        DestinationConfig:",
  "          OnFailure:", // 23
  "            Type: SQS",
  "            Destination: !GetAtt Failures.Arn",
  "      DeadLetterQueue:", // 26
  "        Type: SQS",
  "        TargetArn: arn:aws:sqs:us-east-1:123456789012:dlq",
  "  Off:", // 29
  "    Type: AWS::Lambda::Function",
  "    Properties:",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "      Code: .",
  "      Role: arn:aws:iam::123456789012:role/r", // 35
  "      ReservedConcurrentExecutions: 0", // 36
  "",
].join("\n");

test("ReservedConcurrentExecutions caps the pool whatever local settings say, and 0 throttles every call at once", () => {
  const root = writeProject({ "template.yaml": TEMPLATE, "index.js": NODE_HANDLER });
  const { project, problems } = loadProject(root, { env: {}, localDefaults: { maxConcurrency: 50 } });
  assert.deepEqual(problems, []);
  const capped = project.functions.find((f) => f.name === "Capped");
  const off = project.functions.find((f) => f.name === "Off");
  assert.equal(capped?.maxConcurrency, 2);
  assert.equal(capped?.queueSize, 100);
  assert.deepEqual([off?.maxConcurrency, off?.queueSize], [0, 0]);
});

test("EventInvokeConfig's retries and maximum age reach the spec; destinations, DLQ and unused properties are one warning each at their line", () => {
  const root = writeProject({ "template.yaml": TEMPLATE, "index.js": NODE_HANDLER });
  const file = join(root, "template.yaml");
  const { project, warnings } = load(root);
  const capped = project.functions.find((f) => f.name === "Capped");
  assert.deepEqual([capped?.asyncRetries, capped?.asyncMaxEventAgeSec], [0, 120]);
  assert.deepEqual(warnings.map(where), [
    { file, line: 4, field: "Globals.Function.Tracing" },
    { file, line: 14, field: "Resources.Capped.Properties.VpcConfig" },
    { file, line: 16, field: "Resources.Capped.Properties.Policies" },
    { file, line: 17, field: "Resources.Capped.Properties.AutoPublishAlias" },
    { file, line: 18, field: "Resources.Capped.Properties.SomethingNew" },
    { file, line: 23, field: "Resources.Capped.Properties.EventInvokeConfig.DestinationConfig.OnFailure" },
    { file, line: 26, field: "Resources.Capped.Properties.DeadLetterQueue" },
    { file, line: 35, field: "Resources.Off.Properties.Role" },
    { file, line: 36, field: "Resources.Off.Properties.ReservedConcurrentExecutions" },
  ]);
  const text = (line: number) => warnings.find((w) => w.line === line)?.problem ?? "";
  assert.match(text(14), /functions run on the local network; no VPC/);
  assert.match(text(16), /no IAM locally/);
  assert.match(text(18), /not read by Faasbox: it has no effect locally/);
  assert.match(text(23), /OnFailure destinations are not delivered locally: nothing is sent to Failures \(Fn::GetAtt\).*faasbox dlq/);
  assert.match(text(26), /not sent to arn:aws:sqs:us-east-1:123456789012:dlq locally/);
  assert.match(text(36), /0 throttles every call/);
});

test("EventInvokeConfig out of Lambda's ranges is an error at the value", () => {
  const root = writeProject({
    "index.js": NODE_HANDLER,
    "template.yaml": TEMPLATE.replace("MaximumRetryAttempts: 0", "MaximumRetryAttempts: 5"),
  });
  const { problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "template.yaml"), line: 20, field: "Resources.Capped.Properties.EventInvokeConfig.MaximumRetryAttempts" }]);
  assert.match(problems[0].problem, /got 5; expected a whole number from 0 to 2/);
});
