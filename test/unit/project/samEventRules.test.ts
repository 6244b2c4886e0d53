// SAM EventBridgeRule / CloudWatchEvent events and plain AWS::Events::Rule resources read
// into rule triggers of the functions they target, or refused / warned at FILE:LINE.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

function loadTemplate(template: string) {
  const root = writeProject({ "template.yaml": `Transform: AWS::Serverless-2016-10-31\n${template}`, "src/index.js": NODE_HANDLER });
  return { root, file: join(root, "template.yaml"), ...load(root) };
}

const FUNCTION = `  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
`;

test("EventBridgeRule and CloudWatchEvent events: pattern, bus (name, ARN or !Ref), Input, InputPath, State", () => {
  const { project, problems, warnings } = loadTemplate(`Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: orders-bus
${FUNCTION}      Events:
        Placed:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref Bus
            Pattern:
              source: [shop]
              detail-type: [Order Placed]
            InputPath: $.detail
        Legacy:
          Type: CloudWatchEvent
          Properties:
            Pattern:
              source: [aws.ec2]
            Input: '{"fixed": 1}'
            State: DISABLED
        ByArn:
          Type: EventBridgeRule
          Properties:
            EventBusName: arn:aws:events:us-east-1:123456789012:event-bus/audit
            Pattern: {source: [{prefix: "audit."}]}
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "eventRule", name: "Placed", bus: "orders-bus", pattern: { source: ["shop"], "detail-type": ["Order Placed"] }, enabled: true, inputPath: "$.detail" },
    { kind: "eventRule", name: "Legacy", bus: "default", pattern: { source: ["aws.ec2"] }, enabled: false, input: { fixed: 1 } },
    { kind: "eventRule", name: "ByArn", bus: "audit", pattern: { source: [{ prefix: "audit." }] }, enabled: true },
  ]);
});

test("InputTransformer, RetryPolicy and DeadLetterConfig load with a warning at their line saying what happens locally", () => {
  const { file, project, problems, warnings } = loadTemplate(`Resources:
${FUNCTION}      Events:
        Placed:
          Type: EventBridgeRule
          Properties:
            Pattern: {source: [shop]}
            InputTransformer:
              InputPathsMap: {id: $.detail.id}
              InputTemplate: '{"id": <id>}'
            RetryPolicy:
              MaximumRetryAttempts: 5
`);
  assert.deepEqual(problems, []);
  assert.equal(project.functions[0].triggers.length, 1);
  assert.deepEqual(warnings.map(where), [
    { file, line: 14, field: "Resources.Worker.Properties.Events.Placed.Properties.InputTransformer" },
    { file, line: 17, field: "Resources.Worker.Properties.Events.Placed.Properties.RetryPolicy" },
  ]);
  assert.match(warnings[0].problem, /whole matched event, not transformed/);
  assert.match(warnings[1].problem, /retries a failed invocation twice/);
});

test("a rule without a pattern, with a wrong pattern, with both Input and InputPath or a JSONPath Faasbox cannot follow is an error at its line", () => {
  const event = (properties: string) => loadTemplate(`Resources:
${FUNCTION}      Events:
        Placed:
          Type: EventBridgeRule
          Properties:
${properties}`);
  assert.match(event("            EventBusName: default\n").problems[0]?.problem ?? "", /missing; expected an event pattern/);
  const wrong = event("            Pattern: {source: [{prefx: a}]}\n");
  assert.equal(wrong.problems[0]?.line, 13);
  assert.match(wrong.problems[0]?.problem ?? "", /source\[0\]: unknown operator "prefx"/);
  assert.match(event("            Pattern: {source: [a]}\n            Input: '{}'\n            InputPath: $.detail\n").problems[0]?.problem ?? "", /cannot both be given/);
  assert.match(event("            Pattern: {source: [a]}\n            InputPath: $..detail[0]\n").problems[0]?.problem ?? "", /dot notation/);
  assert.match(event("            Pattern: {source: [a]}\n            Input: 'not json'\n").problems[0]?.problem ?? "", /not valid JSON/);
});

test("a plain AWS::Events::Rule targeting a function by !GetAtt or !Ref gives it a rule trigger; a schedule rule a timer with its Input", () => {
  const { file, project, problems, warnings } = loadTemplate(`Resources:
${FUNCTION}  Other:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: other-fn
      Runtime: nodejs20.x
      Handler: index.handler
      Code: src/
  PlacedRule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: '{"source": ["shop"]}'
      Targets:
        - Arn: !GetAtt Worker.Arn
          Id: worker
          InputPath: $.detail
        - Arn: !GetAtt Topic.TopicArn
          Id: topic
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      State: DISABLED
      Targets:
        - Arn: !Ref Worker
          Id: nightly
          Input: '{"job": "cleanup"}'
  Topic:
    Type: AWS::SNS::Topic
`);
  assert.deepEqual(problems.filter((p) => p.field.startsWith("Resources.Placed") || p.field.startsWith("Resources.Nightly")), []);
  const worker = project.functions.find((f) => f.name === "Worker")!;
  assert.deepEqual(worker.triggers, [
    { kind: "eventRule", name: "PlacedRule", bus: "default", pattern: { source: ["shop"] }, enabled: true, inputPath: "$.detail" },
    { kind: "timer", name: "Nightly", schedule: "rate(1 day)", enabled: false, input: { job: "cleanup" } },
  ]);
  const topicTarget = warnings.find((w) => w.field === "Resources.PlacedRule.Properties.Targets[1].Arn");
  assert.ok(topicTarget, `a warning for the SNS target: ${warnings.map((w) => w.message).join("\n")}`);
  assert.equal(topicTarget.file, file);
  assert.match(topicTarget.problem, /not a function of this template/);
});
