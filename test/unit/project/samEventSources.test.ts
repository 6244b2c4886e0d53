// SAM `Type: SQS` events read with their mapping settings, or refused at FILE:LINE.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

function template(sqsProperties: string): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
${sqsProperties}`;
}

function loadSqs(sqsProperties: string) {
  const root = writeProject({ "template.yaml": template(sqsProperties), "src/index.js": NODE_HANDLER });
  return { root, ...load(root) };
}

test("FilterCriteria, BatchSize, MaximumBatchingWindowInSeconds and ReportBatchItemFailures are read into the queue trigger", () => {
  const { project, problems, warnings } = loadSqs(`            BatchSize: 50
            MaximumBatchingWindowInSeconds: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"body": {"kind": ["order"]}}'
                - Pattern: '{"body": {"amount": [{"numeric": [">", 100]}]}}'
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(project.functions[0].triggers, [{
    kind: "topic", name: "Orders", topic: "orders", batchSize: 50, source: "queue",
    filters: [{ body: { kind: ["order"] } }, { body: { amount: [{ numeric: [">", 100] }] } }],
    batchWindowSec: 5, reportBatchItemFailures: true,
  }]);
});

test("a filter pattern that is not valid is an error at its line naming what is wrong inside it", () => {
  const { root, problems, project } = loadSqs(`            FilterCriteria:
              Filters:
                - Pattern: '{"body": {"kind": [{"prefx": "a"}]}}'
`);
  assert.equal(project.functions.length, 1, "the function loads without the event");
  assert.deepEqual(project.functions[0].triggers, []);
  assert.deepEqual(problems.map(where), [{ file: join(root, "template.yaml"), line: 20, field: "Resources.Worker.Properties.Events.Orders.Properties.FilterCriteria.Filters[0].Pattern" }]);
  assert.match(problems[0].problem, /body\.kind\[0\]: unknown operator "prefx"/);
});

test("a Pattern written as a YAML map is refused: CloudFormation types it as a JSON string", () => {
  const { problems } = loadSqs(`            FilterCriteria:
              Filters:
                - Pattern:
                    body:
                      kind: [order]
`);
  assert.equal(problems.length, 1);
  assert.match(problems[0].problem, /a JSON string.*not a map/);
});

test("BatchSize over 10 without a batching window is refused as Lambda refuses it; sizes and windows out of range too", () => {
  assert.match(loadSqs("            BatchSize: 11\n").problems[0]?.problem ?? "", /needs MaximumBatchingWindowInSeconds of at least 1/);
  assert.match(loadSqs("            BatchSize: 10001\n            MaximumBatchingWindowInSeconds: 1\n").problems[0]?.problem ?? "", /from 1 to 10000/);
  assert.match(loadSqs("            MaximumBatchingWindowInSeconds: 301\n").problems[0]?.problem ?? "", /from 0 to 300/);
  assert.match(loadSqs("            FunctionResponseTypes: [Everything]\n").problems[0]?.problem ?? "", /ReportBatchItemFailures/);
});

test("mapping settings Faasbox does not emulate are listed as warnings at their line, and the trigger still loads", () => {
  const { root, problems, warnings, project } = loadSqs(`            ScalingConfig:
              MaximumConcurrency: 5
`);
  assert.deepEqual(problems, []);
  assert.equal(project.functions[0].triggers.length, 1);
  assert.deepEqual(warnings.map(where), [{ file: join(root, "template.yaml"), line: 18, field: "Resources.Worker.Properties.Events.Orders.Properties.ScalingConfig" }]);
  assert.match(warnings[0].problem, /ScalingConfig is not emulated: the function's own concurrency/);
});

test("Enabled: false leaves the mapping out, as in the cloud", () => {
  const { project, problems } = loadSqs("            Enabled: false\n");
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].triggers, []);
});
