// The Serverless Framework's sqs, stream and eventBridge events (provider: aws), read onto the
// same trigger shapes as SAM's, with the framework's own keys and defaults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, where, writeProject } from "./projectFiles";

const HANDLER_JS = "exports.hello = async () => 'ok';\n";

/** A service with one function `hello` whose events are `events` (YAML lines under `events:`, from line 8). */
function service(events: string[], resources: string[] = []): string {
  return [
    "service: shop", // 1
    "provider:",
    "  name: aws",
    "  runtime: nodejs20.x",
    "functions:", // 5
    "  hello:",
    "    handler: handler.hello",
    "    events:", // 8
    ...events,
    ...(resources.length ? ["resources:", "  Resources:", ...resources] : []),
    "",
  ].join("\n");
}

function loadService(events: string[], resources: string[] = []) {
  const root = writeProject({ "serverless.yml": service(events, resources), "handler.js": HANDLER_JS });
  return { file: join(root, "serverless.yml"), ...load(root) };
}

test("sqs: filterPatterns, batchSize with maximumBatchingWindow and ReportBatchItemFailures become the queue trigger's settings", () => {
  const { file, project, problems, warnings } = loadService([
    "      - sqs:", // 9
    "          arn: arn:aws:sqs:us-east-1:123456789012:orders",
    "          batchSize: 50",
    "          maximumBatchingWindow: 5",
    "          functionResponseType: ReportBatchItemFailures",
    "          filterPatterns:",
    "            - body: {kind: [order]}",
    "            - body: {total: [{numeric: ['>', 100]}]}",
    "          maximumConcurrency: 5", // 17
    "      - sqs:",
    "          arn:",
    "            Fn::Join: [':', [arn, aws, sqs, {Ref: AWS::Region}, {Ref: AWS::AccountId}, joined]]",
  ]);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].triggers, [
    {
      kind: "topic",
      name: "orders",
      topic: "orders",
      batchSize: 50,
      source: "queue",
      batchWindowSec: 5,
      reportBatchItemFailures: true,
      filters: [{ body: { kind: ["order"] } }, { body: { total: [{ numeric: [">", 100] }] } }],
    },
    { kind: "topic", name: "joined", topic: "joined", batchSize: 10, source: "queue" },
  ]);
  assert.deepEqual(warnings.map((w) => [w.file, w.line, w.field]), [[file, 17, "functions.hello.events[0].sqs.maximumConcurrency"]]);
  assert.match(warnings[0].problem, /maximumConcurrency is not emulated: the function's own concurrency/);
});

test("sqs mistakes Lambda would refuse are errors at their line (the function loads without that trigger): a batch over 10 without a window, a bad filter pattern, another response type", () => {
  const cases: Array<[string[], number, string, RegExp]> = [
    [["      - sqs:", "          arn: arn:aws:sqs:us-east-1:1:q", "          batchSize: 50"], 11, "functions.hello.events[0].sqs.batchSize", /a batchSize over 10 needs maximumBatchingWindow of at least 1/],
    [["      - sqs:", "          arn: arn:aws:sqs:us-east-1:1:q", "          filterPatterns:", "            - body: {n: [{numeric: [nope]}]}"], 12, "functions.hello.events[0].sqs.filterPatterns[0]", /expected a filter pattern map/],
    [["      - sqs:", "          arn: arn:aws:sqs:us-east-1:1:q", "          functionResponseType: Everything"], 11, "functions.hello.events[0].sqs.functionResponseType", /ReportBatchItemFailures/],
  ];
  for (const [events, line, field, message] of cases) {
    const { file, project, problems } = loadService(events);
    assert.deepEqual(project.functions[0].triggers, []);
    assert.deepEqual(problems.map(where), [{ file, line, field }]);
    assert.match(problems[0].problem, message);
  }
});

test("stream: Kinesis and DynamoDB by ARN, GetAtt or another stack's export, with the framework's defaults and what is not emulated said", () => {
  const { file, project, problems, warnings } = loadService(
    [
      "      - stream: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000", // 9
      "      - stream:",
      "          type: kinesis",
      "          arn:",
      "            Fn::GetAtt: [Clicks, Arn]",
      "          batchSize: 100",
      "          startingPosition: LATEST",
      "          functionResponseType: ReportBatchItemFailures",
      "          filterPatterns:",
      "            - data: {page: [{prefix: /shop}]}",
      "          batchWindow: 10", // 19
      "          bisectBatchOnFunctionError: true", // 20
      "      - stream:",
      "          type: dynamodb",
      "          arn:",
      "            Fn::GetAtt: [Orders, StreamArn]",
      "      - stream:",
      "          type: kinesis",
      "          arn:", // 27
      "            Fn::ImportValue: shared-events-stream",
      "      - stream:",
      "          arn: arn:aws:kinesis:us-east-1:123456789012:stream/off",
      "          enabled: false",
    ],
    [
      "    Clicks:",
      "      Type: AWS::Kinesis::Stream",
      "      Properties:",
      "        Name: clicks",
      "    Orders:",
      "      Type: AWS::DynamoDB::Table",
      "      Properties:",
      "        TableName: orders-table",
      "        StreamSpecification: {StreamViewType: NEW_IMAGE}",
    ],
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "stream", name: "orders", source: "dynamodb", stream: "orders", batchSize: 10, startingPosition: "TRIM_HORIZON" },
    {
      kind: "stream",
      name: "clicks",
      source: "kinesis",
      stream: "clicks",
      batchSize: 100,
      startingPosition: "LATEST",
      reportBatchItemFailures: true,
      filters: [{ data: { page: [{ prefix: "/shop" }] } }],
      // Read for a stream a faasbox.yml databases: source feeds; still warned below for the others.
      batchWindowSec: 10,
      bisectBatchOnFunctionError: true,
    },
    { kind: "stream", name: "orders-table", source: "dynamodb", stream: "orders-table", batchSize: 10, startingPosition: "TRIM_HORIZON", viewType: "NEW_IMAGE" },
    { kind: "stream", name: "shared-events-stream", source: "kinesis", stream: "shared-events-stream", batchSize: 10, startingPosition: "TRIM_HORIZON" },
  ]);
  assert.deepEqual(
    warnings.map((w) => [w.file, w.line, w.field]),
    [
      [file, 19, "functions.hello.events[1].stream.batchWindow"],
      [file, 20, "functions.hello.events[1].stream.bisectBatchOnFunctionError"],
      [file, 27, "functions.hello.events[3].stream.arn"],
    ],
  );
  assert.match(warnings[0].problem, /batchWindow is not emulated: each publish is delivered at once/);
  assert.match(warnings[1].problem, /never split in two/);
  assert.match(warnings[2].problem, /another stack's export: locally it is the stream named "shared-events-stream"/);
});

test("stream: an arn that is not an ARN string needs a type, as the framework requires; a wrong startingPosition is an error", () => {
  const noType = loadService(["      - stream:", "          arn:", "            Fn::ImportValue: shared"]);
  // A missing key is reported at the map that lacks it.
  assert.deepEqual(noType.problems.map(where), [{ file: noType.file, line: 9, field: "functions.hello.events[0].stream.type" }]);
  assert.match(noType.problems[0].problem, /missing; expected dynamodb or kinesis/);
  const position = loadService(["      - stream:", "          arn: arn:aws:kinesis:us-east-1:1:stream/s", "          startingPosition: EARLIEST"]);
  assert.deepEqual(position.problems.map(where), [{ file: position.file, line: 11, field: "functions.hello.events[0].stream.startingPosition" }]);
});

test("eventBridge: pattern on a bus, schedule as a timer, input and inputPath, enabled; inputTransformer and retryPolicy are said", () => {
  const { file, project, problems, warnings } = loadService([
    "      - eventBridge:", // 9
    "          eventBus: shop-events",
    "          pattern:",
    "            source: [shop]",
    "            detail-type: [Order Placed]",
    "          inputPath: $.detail",
    "      - eventBridge:", // 15
    "          name: nightly",
    "          schedule: rate(1 day)",
    "          enabled: false",
    "          input:",
    "            task: report",
    "      - eventBridge:", // 21
    "          eventBus: arn:aws:events:us-east-1:123456789012:event-bus/partners",
    "          pattern: {source: [partner]}",
    "          inputTransformer:", // 24
    "            inputTemplate: '{\"x\": 1}'",
    "          retryPolicy:", // 26
    "            maximumRetryAttempts: 3",
    "      - eventBridge:",
    "          pattern: {source: [both]}",
    "          schedule: rate(5 minutes)",
  ]);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "eventRule", name: "eventBridge-1", bus: "shop-events", pattern: { source: ["shop"], "detail-type": ["Order Placed"] }, enabled: true, inputPath: "$.detail" },
    { kind: "timer", name: "nightly", schedule: "rate(1 day)", enabled: false, input: { task: "report" } },
    { kind: "eventRule", name: "eventBridge-3", bus: "partners", pattern: { source: ["partner"] }, enabled: true },
    { kind: "eventRule", name: "eventBridge-4", bus: "default", pattern: { source: ["both"] }, enabled: true },
    { kind: "timer", name: "eventBridge-4", schedule: "rate(5 minutes)", enabled: true },
  ]);
  assert.deepEqual(
    warnings.map((w) => [w.file, w.line, w.field]),
    [
      [file, 24, "functions.hello.events[2].eventBridge.inputTransformer"],
      [file, 26, "functions.hello.events[2].eventBridge.retryPolicy"],
    ],
  );
  assert.match(warnings[0].problem, /inputTransformer is not emulated: the function receives the whole matched event, not transformed/);
  assert.match(warnings[1].problem, /retryPolicy is not emulated: the local asynchronous queue retries/);
});

test("eventBridge mistakes are errors at their line: neither pattern nor schedule, two inputs, a bad pattern", () => {
  const cases: Array<[string[], number, string, RegExp]> = [
    [["      - eventBridge:", "          eventBus: b"], 9, "functions.hello.events[0].eventBridge", /a pattern or a schedule/],
    [["      - eventBridge:", "          pattern: {source: [a]}", "          input: {a: 1}", "          inputPath: $.detail"], 12, "functions.hello.events[0].eventBridge.inputPath", /input and inputPath cannot both be given/],
    [["      - eventBridge:", "          pattern: {source: shop}"], 10, "functions.hello.events[0].eventBridge.pattern", /expected an EventBridge event pattern/],
  ];
  for (const [events, line, field, message] of cases) {
    const { file, problems } = loadService(events);
    assert.deepEqual(problems.map(where), [{ file, line, field }]);
    assert.match(problems[0].problem, message);
  }
});
