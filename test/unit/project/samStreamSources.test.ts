// SAM Kinesis / DynamoDB events and plain AWS::Lambda::EventSourceMapping resources read
// into stream (or queue) triggers, with warnings for what is not emulated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

function loadTemplate(template: string) {
  const root = writeProject({ "template.yaml": `Transform: AWS::Serverless-2016-10-31\n${template}`, "src/index.js": NODE_HANDLER });
  return { root, file: join(root, "template.yaml"), ...load(root) };
}

const RESOURCES = `Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: clicks
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders-table
      StreamSpecification:
        StreamViewType: NEW_IMAGE
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
`;

test("Kinesis and DynamoDB events: stream by !GetAtt or ARN, StartingPosition, BatchSize, filters, partial batch responses, the table's view type", () => {
  const { project, problems, warnings } = loadTemplate(`${RESOURCES}      Events:
        ClickStream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: TRIM_HORIZON
            BatchSize: 50
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"data": {"type": ["buy"]}}'
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: LATEST
        ByArn:
          Type: DynamoDB
          Properties:
            Stream: arn:aws:dynamodb:us-east-1:123456789012:table/legacy/stream/2020-01-01T00:00:00.000
            StartingPosition: LATEST
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "stream", name: "ClickStream", source: "kinesis", stream: "clicks", batchSize: 50, startingPosition: "TRIM_HORIZON", filters: [{ data: { type: ["buy"] } }], reportBatchItemFailures: true },
    { kind: "stream", name: "Changes", source: "dynamodb", stream: "orders-table", batchSize: 100, startingPosition: "LATEST", viewType: "NEW_IMAGE" },
    { kind: "stream", name: "ByArn", source: "dynamodb", stream: "legacy", batchSize: 100, startingPosition: "LATEST" },
  ]);
});

test("BisectBatchOnFunctionError, MaximumRetryAttempts and the other unemulated settings are warnings at their line", () => {
  const { file, project, problems, warnings } = loadTemplate(`${RESOURCES}      Events:
        ClickStream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: LATEST
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 3
            ParallelizationFactor: 2
`);
  assert.deepEqual(problems, []);
  assert.equal(project.functions[0].triggers.length, 1);
  assert.deepEqual(warnings.map(where).map((w) => [w.line, w.field.split(".").pop()]), [[27, "BisectBatchOnFunctionError"], [28, "MaximumRetryAttempts"], [29, "ParallelizationFactor"]]);
  assert.equal(warnings[0].file, file);
  assert.match(warnings[0].problem, /never split in two/);
});

test("MaximumBatchingWindowInSeconds, BisectBatchOnFunctionError and MaximumRetryAttempts are read into the trigger (a database source's delivery honours them)", () => {
  const { project, problems } = loadTemplate(`${RESOURCES}      Events:
        ClickStream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: TRIM_HORIZON
            MaximumBatchingWindowInSeconds: 2
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 5
`);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "stream", name: "ClickStream", source: "kinesis", stream: "clicks", batchSize: 100, startingPosition: "TRIM_HORIZON", batchWindowSec: 2, bisectBatchOnFunctionError: true, retries: 5 },
  ]);
  const outOfRange = loadTemplate(`${RESOURCES}      Events:
        ClickStream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: TRIM_HORIZON
            MaximumBatchingWindowInSeconds: 301
`);
  assert.deepEqual(outOfRange.problems.map((p) => [p.line, p.field.split(".").pop()]), [[27, "MaximumBatchingWindowInSeconds"]]);
  assert.match(outOfRange.problems[0].problem, /expected seconds from 0 to 300/);
});

test("a stream without StartingPosition, with a wrong one or a BatchSize over 10000 is an error at its line", () => {
  const event = (properties: string) => loadTemplate(`${RESOURCES}      Events:
        ClickStream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
${properties}`);
  assert.match(event("            BatchSize: 10\n").problems[0]?.problem ?? "", /missing; expected TRIM_HORIZON, LATEST, AT_TIMESTAMP/);
  assert.match(event("            StartingPosition: OLDEST\n").problems[0]?.problem ?? "", /expected TRIM_HORIZON/);
  const big = event("            StartingPosition: LATEST\n            BatchSize: 20000\n");
  assert.equal(big.problems[0]?.line, 27);
  assert.match(big.problems[0]?.problem ?? "", /from 1 to 10000/);
});

test("AWS::Lambda::EventSourceMapping resources wire an SQS queue, a Kinesis stream and a table stream to the function they name", () => {
  const { file, project, problems, warnings } = loadTemplate(`${RESOURCES}  QueueMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Jobs.Arn
      FunctionName: !Ref Worker
      BatchSize: 5
  StreamMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Clicks.Arn
      FunctionName: !GetAtt Worker.Arn
      StartingPosition: LATEST
      TumblingWindowInSeconds: 60
  TableMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Orders.StreamArn
      FunctionName: arn:aws:lambda:us-east-1:123456789012:function:Worker
      StartingPosition: TRIM_HORIZON
  Elsewhere:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Jobs.Arn
      FunctionName: someone-elses-function
  Kafka:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: arn:aws:kafka:us-east-1:123456789012:cluster/c/1
      FunctionName: !Ref Worker
`);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "topic", name: "QueueMapping", topic: "Jobs", batchSize: 5, source: "queue" },
    { kind: "stream", name: "StreamMapping", source: "kinesis", stream: "clicks", batchSize: 100, startingPosition: "LATEST" },
    { kind: "stream", name: "TableMapping", source: "dynamodb", stream: "orders-table", batchSize: 100, startingPosition: "TRIM_HORIZON", viewType: "NEW_IMAGE" },
  ]);
  assert.deepEqual(warnings.map((w) => w.field), ["Resources.StreamMapping.Properties.TumblingWindowInSeconds", "Resources.Elsewhere.Properties.FunctionName"]);
  assert.match(warnings[1].problem, /not a function of this template/);
  assert.deepEqual(problems.map(where), [{ file, line: 48, field: "Resources.Kafka.Properties.EventSourceArn" }]);
  assert.match(problems[0].problem, /Kafka, MQ and DocumentDB sources are not emulated/);
});
