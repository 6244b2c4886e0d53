import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "../../../emulator/project/loadProject";
import { fixture, load, NODE_HANDLER, PYTHON_HANDLER, where, writeProject } from "./projectFiles";

const HANDLER_JS = "exports.hello = async () => 'ok';\n";

test("the Node HTTP API starter loads unchanged: one function on GET / with payload 2.0 and the framework's defaults", () => {
  const root = fixture("sls-aws-node-http-api");
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.dialect, f.runtime, f.family, f.handler, f.codeDir, f.memoryMb, f.timeoutSec, f.region]),
    [["api", "aws", "nodejs18.x", "nodejs", "index.handler", root, 1024, 6, "us-east-1"]],
  );
  assert.deepEqual(project.functions[0].triggers, [{ kind: "http", method: "GET", path: "/", payload: "aws-v2" }]);
  assert.deepEqual(project.functions[0].source, { file: join(root, "serverless.yml"), line: 9 });
});

test("the Python HTTP API starter loads unchanged", () => {
  const root = fixture("sls-aws-python-http-api");
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.runtime, f.family, f.handler, f.triggers]),
    [["hello", "python3.9", "python", "handler.hello", [{ kind: "http", method: "GET", path: "/", payload: "aws-v2" }]]],
  );
});

test("the scheduled cron starter loads two timers, enabled, with their expressions as written", () => {
  const { project, problems } = load(fixture("sls-aws-node-scheduled-cron"));
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.handler, f.triggers]),
    [
      ["rateHandler", "handler.run", [{ kind: "timer", name: "schedule-1", schedule: "rate(1 minute)", enabled: true }]],
      ["cronHandler", "handler.run", [{ kind: "timer", name: "schedule-1", schedule: "cron(0/2 * ? * MON-FRI *)", enabled: true }]],
    ],
  );
});

test("the SQS worker starter loads its producer and says what serverless-lift would have added", () => {
  const root = fixture("sls-aws-node-sqs-worker");
  const file = join(root, "serverless.yml");
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  const [producer] = project.functions;
  assert.deepEqual([project.functions.length, producer.name, producer.handler], [1, "producer", "handler.producer"]);
  assert.deepEqual(producer.triggers, [{ kind: "http", method: "POST", path: "/produce", payload: "aws-v2" }]);
  assert.deepEqual(producer.environment, { QUEUE_URL: "local-placeholder:construct:jobs.queueUrl" });
  assert.deepEqual(
    warnings.map((w) => [w.line, w.field]),
    [
      [25, "plugins[0]"],
      [9, "constructs.jobs"],
      [22, "functions.producer.environment.QUEUE_URL"],
    ].map(([line, field]) => [line, field]),
  );
  assert.ok(warnings.every((w) => w.file === file));
  assert.match(warnings[1].problem, /jobs .*not emulated/);
});

test("provider settings apply to every function and a function's own win, environment merged key by key", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: shop",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "  memorySize: 512",
      "  timeout: 10",
      "  region: eu-west-1",
      "  environment:",
      "    SHARED: one",
      "    LEVEL: provider",
      "functions:",
      "  hello:",
      "    handler: src/handler.hello",
      "    memorySize: 256",
      "    environment:",
      "      LEVEL: function",
      "  report:",
      "    handler: report.main",
      "    runtime: python3.12",
      "    timeout: 30",
      "",
    ].join("\n"),
    "src/handler.js": HANDLER_JS,
    "report.py": "def main(event, context):\n    return 'ok'\n",
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.runtime, f.handler, f.codeDir, f.memoryMb, f.timeoutSec, f.region, f.environment]),
    [
      ["hello", "nodejs20.x", "src/handler.hello", root, 256, 10, "eu-west-1", { SHARED: "one", LEVEL: "function" }],
      ["report", "python3.12", "report.main", root, 512, 30, "eu-west-1", { SHARED: "one", LEVEL: "provider" }],
    ],
  );
});

test("a function without a runtime anywhere is an error at it, and the other functions still load", () => {
  const root = writeProject({
    "serverless.yml": "service: s\nprovider: aws\nfunctions:\n  a:\n    handler: handler.hello\n  b:\n    handler: handler.hello\n    runtime: nodejs20.x\n",
    "handler.js": HANDLER_JS,
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => f.name), ["b"]);
  assert.deepEqual(problems.map(where), [{ file: join(root, "serverless.yml"), line: 4, field: "functions.a.runtime" }]);
  assert.match(problems[0].problem, /runtime such as nodejs20.x/);
});

test("variables: self with nested paths, env with a default, opt, sls:stage and file() are resolved", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: shop",
      "custom:",
      "  tables:",
      "    dev: orders-dev",
      "    prod: orders-prod",
      "  memory: 256",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "  stage: ${opt:stage, 'dev'}",
      "  memorySize: ${self:custom.memory}",
      "  environment:",
      "    TABLE: ${self:custom.tables.${sls:stage}}",
      "    STAGE: ${self:provider.stage}",
      "    SERVICE: ${self:service}-${sls:stage}",
      "    LOG_LEVEL: ${env:LOG_LEVEL, 'info'}",
      "    TOKEN: ${env:TOKEN}",
      "    API_URL: ${file(./config.json):api.url}",
      "functions:",
      "  hello:",
      "    handler: handler.hello",
      "",
    ].join("\n"),
    "config.json": JSON.stringify({ api: { url: "https://example.com/${sls:stage}" } }),
    "handler.js": HANDLER_JS,
  });
  const dev = load(root, { TOKEN: "t" });
  assert.deepEqual(dev.problems, []);
  assert.deepEqual(dev.project.functions[0].memoryMb, 256, "a whole-value variable keeps its number");
  assert.deepEqual(dev.project.functions[0].environment, {
    TABLE: "orders-dev",
    STAGE: "dev",
    SERVICE: "shop-dev",
    LOG_LEVEL: "info",
    TOKEN: "t",
    API_URL: "https://example.com/dev",
  });
  const prod = loadProject(root, { env: { TOKEN: "t", LOG_LEVEL: "debug" }, stage: "prod", region: "eu-central-1" });
  assert.deepEqual(prod.problems, []);
  assert.deepEqual(
    [prod.project.functions[0].environment.TABLE, prod.project.functions[0].environment.LOG_LEVEL, prod.project.functions[0].region],
    ["orders-prod", "debug", "eu-central-1"],
  );
});

test("an unresolvable variable is an error naming it at its field; only that function is left out", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: s",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "functions:",
      "  broken:",
      "    handler: handler.hello",
      "    environment:",
      "      SECRET: ${env:MISSING_SECRET}",
      "  fine:",
      "    handler: handler.hello",
      "",
    ].join("\n"),
    "handler.js": HANDLER_JS,
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => f.name), ["fine"]);
  assert.deepEqual(problems.map(where), [{ file: join(root, "serverless.yml"), line: 9, field: "functions.broken.environment.SECRET" }]);
  assert.match(problems[0].problem, /\$\{env:MISSING_SECRET\}.*MISSING_SECRET is not set/);
});

test("cloud-only variables become a stated placeholder, or their fallback, and a warning at their line", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: s",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "  environment:",
      "    DB_PASSWORD: ${ssm:/shop/db-password}",
      "    BUCKET: ${cf:storage-dev.BucketName, 'local-bucket'}",
      "functions:",
      "  hello:",
      "    handler: handler.hello",
      "",
    ].join("\n"),
    "handler.js": HANDLER_JS,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].environment, {
    DB_PASSWORD: "local-placeholder:ssm:/shop/db-password",
    BUCKET: "local-bucket",
  });
  assert.deepEqual(
    warnings.map((w) => [w.line, w.field]),
    [
      [6, "provider.environment.DB_PASSWORD"],
      [7, "provider.environment.BUCKET"],
    ],
  );
  assert.match(warnings[0].problem, /not available locally.*placeholder/);
});

test("variables that refer back to themselves are an error naming the chain", () => {
  const root = writeProject({
    "serverless.yml": "service: s\ncustom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  hello:\n    handler: handler.hello\n    environment:\n      A: ${self:custom.a}\n",
    "handler.js": HANDLER_JS,
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions, []);
  assert.equal(problems.length, 1);
  assert.match(problems[0].problem, /refers back to itself/);
});

test("events: httpApi and http forms, schedule options, sqs, sns and s3 map onto the local triggers", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: s",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "  stage: test",
      "functions:",
      "  hello:",
      "    handler: handler.hello",
      "    events:",
      "      - httpApi: 'GET /users/{id}'",
      "      - httpApi: '*'",
      "      - httpApi:",
      "          method: '*'",
      "          path: /any",
      "      - http: POST orders",
      "      - http:",
      "          path: /",
      "          method: any",
      "          cors: true",
      "      - schedule:",
      "          rate: rate(5 minutes)",
      "          enabled: false",
      "          name: nightly",
      "          input:",
      "            key: value",
      "      - sqs:",
      "          arn:",
      "            Fn::GetAtt: [JobsQueue, Arn]",
      "          batchSize: 5",
      "      - sqs: arn:aws:sqs:us-east-1:123456789012:plain-queue",
      "      - sqs:",
      "          arn: arn:aws:sqs:us-east-1:123456789012:off",
      "          enabled: false",
      "      - sns: dispatch",
      "      - s3:",
      "          bucket: photos",
      "          event: s3:ObjectRemoved:*",
      "          rules:",
      "            - prefix: uploads/",
      "            - suffix: .jpg",
      "resources:",
      "  Resources:",
      "    JobsQueue:",
      "      Type: AWS::SQS::Queue",
      "      Properties:",
      "        QueueName: jobs",
      "",
    ].join("\n"),
    "handler.js": HANDLER_JS,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "http", method: "GET", path: "/users/{id}", payload: "aws-v2" },
    { kind: "http", method: "ANY", path: "/{proxy+}", payload: "aws-v2", catchAll: true },
    { kind: "http", method: "ANY", path: "/any", payload: "aws-v2" },
    { kind: "http", method: "POST", path: "/test/orders", payload: "aws-v1" },
    { kind: "http", method: "ANY", path: "/test", payload: "aws-v1", cors: true },
    { kind: "timer", name: "nightly", schedule: "rate(5 minutes)", enabled: false, input: { key: "value" } },
    { kind: "topic", name: "jobs", topic: "jobs", batchSize: 5, source: "queue" },
    { kind: "topic", name: "plain-queue", topic: "plain-queue", batchSize: 10, source: "queue" },
    { kind: "topic", name: "dispatch", topic: "dispatch", batchSize: 1, source: "topic" },
    { kind: "storage", name: "photos", bucket: "photos", events: ["s3:ObjectRemoved:*"], prefix: "uploads/", suffix: ".jpg" },
  ]);
});

test("REST routes drop the stage prefix with serverless-offline's noPrependStageInUrl, and httpApi payload 1.0 is honoured", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: s",
      "custom:",
      "  serverless-offline:",
      "    noPrependStageInUrl: true",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "  httpApi:",
      "    payload: '1.0'",
      "functions:",
      "  hello:",
      "    handler: handler.hello",
      "    events:",
      "      - http: GET hello",
      "      - httpApi: GET /v1",
      "",
    ].join("\n"),
    "handler.js": HANDLER_JS,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "http", method: "GET", path: "/hello", payload: "aws-v1" },
    { kind: "http", method: "GET", path: "/v1", payload: "aws-v1" },
  ]);
});

test("events, settings and plugins Faasbox does not emulate are warnings at their lines; the function still loads", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: s",
      "plugins:",
      "  - serverless-offline",
      "  - serverless-python-requirements",
      "provider:",
      "  name: aws",
      "  runtime: python3.12",
      "  tracing:",
      "    lambda: true",
      "  iam:",
      "    role:",
      "      statements: []",
      "functions:",
      "  hello:",
      "    handler: handler.handler",
      "    url: true",
      "    layers:",
      "      - arn:aws:lambda:us-east-1:123456789012:layer:deps:1",
      "    vpc:",
      "      securityGroupIds: [sg-1]",
      "    events:",
      "      - cloudwatchLog: /aws/lambda/other",
      "      - alb:",
      "          priority: 1",
      "      - websocket: $connect",
      "      - http:",
      "          path: secret",
      "          method: get",
      "          authorizer: aws_iam",
      "",
    ].join("\n"),
    "handler.py": PYTHON_HANDLER,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  // The http event and the function URL (url: true) are served; the rest warn.
  assert.deepEqual(project.functions.map((f) => [f.name, f.triggers.map((t) => t.kind)]), [["hello", ["http", "url"]]]);
  assert.deepEqual(
    warnings.map((w) => [w.line, w.field]),
    [
      [8, "provider.tracing"],
      [10, "provider.iam"],
      [3, "plugins[0]"],
      [4, "plugins[1]"],
      [17, "functions.hello.layers"],
      [19, "functions.hello.vpc"],
      [22, "functions.hello.events[0].cloudwatchLog"],
      [23, "functions.hello.events[1].alb"],
      [25, "functions.hello.events[2].websocket"],
      [29, "functions.hello.events[3].http.authorizer"],
    ],
  );
  assert.match(warnings[6].problem, /cloudwatchLog events is not wired locally/);
});

test("package patterns become the deploy exclusions in gitignore sense, service-level first, legacy exclude/include too", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: s",
      "package:",
      "  patterns:",
      "    - '!node_modules/**'",
      "    - node_modules/node-fetch/**",
      "functions:",
      "  hello:",
      "    handler: handler.handler",
      "    package:",
      "      exclude:",
      "        - tests/**",
      "      include:",
      "        - tests/fixtures.json",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "",
    ].join("\n"),
    "handler.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].packageExclude, ["node_modules/**", "!node_modules/node-fetch/**", "tests/**", "!tests/fixtures.json"]);
});

test("a serverless.yml with provider: aws that does not parse is reported; another tool's broken file is not", () => {
  const ours = writeProject({ "serverless.yml": "service: s\nprovider:\n  name: aws\n  runtime: [nodejs20.x\n" });
  const theirs = writeProject({ "serverless.yml": "service: s\nprovider:\n  name: azure\n  runtime: [x\n" });
  assert.equal(load(ours).problems.length, 1);
  assert.equal(load(ours).problems[0].field, "(syntax)");
  assert.deepEqual(load(theirs).problems, []);
});
