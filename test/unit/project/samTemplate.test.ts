import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXAMPLES } from "../../helpers/paths";
import { fixture, load, NODE_HANDLER, where, writeProject } from "./projectFiles";

const IMPLICIT_REST = { id: "ServerlessRestApi", kind: "rest", stage: "Prod" };
const IMPLICIT_HTTP = { id: "ServerlessHttpApi", kind: "http", stage: "$default" };

test("the SAM example loads HelloNode (HTTP API) and HelloPython (REST API)", () => {
  const { project, problems } = load(join(EXAMPLES, "sam"));
  assert.deepEqual(problems, []);
  const [node, python] = project.functions;
  const template = join(EXAMPLES, "sam", "template.yaml");
  assert.deepEqual(
    { name: node.name, dialect: node.dialect, runtime: node.runtime, family: node.family, codeDir: node.codeDir, handler: node.handler },
    { name: "HelloNode", dialect: "aws", runtime: "nodejs20.x", family: "nodejs", codeDir: join(EXAMPLES, "sam", "node"), handler: "app.handler" },
  );
  // SAM's implicit APIs: ServerlessHttpApi on $default, ServerlessRestApi on Prod.
  assert.deepEqual(node.triggers, [{ kind: "http", method: "GET", path: "/sam/hello-node", payload: "aws-v2", name: "Hello", api: IMPLICIT_HTTP }]);
  assert.deepEqual(node.source, { file: template, line: 14 });
  assert.equal(python.name, "HelloPython");
  assert.equal(python.family, "python");
  assert.equal(python.codeDir, join(EXAMPLES, "sam", "python"));
  assert.deepEqual(python.triggers, [{ kind: "http", method: "GET", path: "/sam/hello-python", payload: "aws-v1", name: "Hello", api: IMPLICIT_REST }]);
  assert.deepEqual(python.environment, { GREETING: "Hello" });
  assert.equal(python.region, "us-east-1");
});

test("Globals.Function fills in what a function leaves out, variables merging key by key", () => {
  const { project, problems } = load(fixture("sam-app"), { AWS_REGION: "eu-west-1" });
  assert.deepEqual(problems, []);
  const api = project.functions.find((f) => f.name === "api-fn");
  const worker = project.functions.find((f) => f.name === "Worker");
  assert.ok(api && worker);
  // Runtime comes from Globals through a parameter default (!Ref NodeRuntime).
  assert.equal(api.runtime, "nodejs20.x");
  assert.equal(api.memoryMb, 256);
  assert.equal(api.timeoutSec, 10);
  assert.equal(worker.memoryMb, 512, "the function's own MemorySize wins");
  assert.equal(worker.timeoutSec, 10);
  assert.deepEqual(worker.environment, { STAGE: "dev", SHARED: "from-globals", OVERRIDDEN: "from-globals" });
  assert.deepEqual(api.environment, {
    STAGE: "dev",
    SHARED: "from-globals",
    OVERRIDDEN: "from-function",
    TABLE: "dev-table",
    REGION: "eu-west-1",
    TOPIC_REF: "Orders",
    // A resource Faasbox does not create: an ARN-shaped placeholder, said as a warning.
    QUEUE_ARN: "arn:aws:sqs:eu-west-1:123456789012:Jobs",
  });
  const placeholders = load(fixture("sam-app"), { AWS_REGION: "eu-west-1" }).warnings.filter((w) => /local placeholder/.test(w.problem));
  assert.deepEqual(
    placeholders.map((w) => [w.line, w.field]),
    [
      [47, "Resources.ApiFunction.Properties.Environment.Variables.TOPIC_REF"],
      [48, "Resources.ApiFunction.Properties.Environment.Variables.QUEUE_ARN"],
    ],
  );
  assert.match(placeholders[1].problem, /^QUEUE_ARN is set to the local placeholder "arn:aws:sqs:eu-west-1:123456789012:Jobs" for !GetAtt Jobs\.Arn, which Faasbox does not create/);
  assert.equal(api.region, "eu-west-1");
});

test("FunctionName names the function; handlers in subfolders, Python packages and custom runtimes load", () => {
  const { project } = load(fixture("sam-app"));
  const root = fixture("sam-app");
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.family, f.codeDir, f.handler]),
    [
      ["api-fn", "nodejs", join(root, "src"), "hello/index.handler"],
      ["Worker", "python", join(root, "python"), "pkg.mod.handler"],
      ["Bootstrap", "custom", join(root, "custom"), ""],
    ],
  );
  assert.equal(project.functions[2].runtime, "provided.al2023", "the function's Runtime beats Globals'");
  assert.deepEqual(project.functions[0].source, { file: join(root, "template.yaml"), line: 36 });
});

test("HTTP events: Api is payload 1.0, HttpApi 2.0 unless told, and no path is the catch-all route", () => {
  const api = load(fixture("sam-app")).project.functions[0];
  assert.deepEqual(api.triggers, [
    { kind: "http", method: "POST", path: "/items/{id}", payload: "aws-v1", name: "Rest", api: IMPLICIT_REST },
    { kind: "http", method: "ANY", path: "/{proxy+}", payload: "aws-v2", name: "CatchAll", catchAll: true, api: IMPLICIT_HTTP },
    { kind: "http", method: "GET", path: "/legacy", payload: "aws-v1", name: "Legacy", api: IMPLICIT_HTTP },
  ]);
});

test("schedule, SNS, SQS and S3 events become timers, topics, queues and storage triggers", () => {
  const worker = load(fixture("sam-app")).project.functions[1];
  assert.deepEqual(worker.triggers, [
    { kind: "timer", name: "Nightly", schedule: "cron(0 3 * * ? *)", enabled: false, input: { job: "cleanup" } },
    { kind: "timer", name: "every-five", schedule: "rate(5 minutes)", enabled: true, timezone: "Europe/Paris" },
    // !Ref to a topic with a TopicName: that name.
    { kind: "topic", name: "OrderPlaced", topic: "orders-topic", batchSize: 1, source: "topic" },
    // !GetAtt of a queue without QueueName: its logical id.
    { kind: "topic", name: "JobQueued", topic: "Jobs", batchSize: 5, source: "queue" },
    // An ARN: its last segment.
    { kind: "topic", name: "ExternalQueue", topic: "external-jobs", batchSize: 10, source: "queue" },
    {
      kind: "storage",
      name: "Uploaded",
      bucket: "uploads-bucket",
      events: ["s3:ObjectCreated:*"],
      prefix: "images/",
      suffix: ".png",
    },
  ]);
});

const SAM_HEADER = "Transform: AWS::Serverless-2016-10-31\nResources:\n";

test("an unknown runtime is reported at its line with the names Lambda accepts", () => {
  const root = writeProject({
    "template.yaml": `${SAM_HEADER}  HelloNode:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs99.x\n`,
    "index.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions, []);
  assert.equal(problems.length, 1);
  assert.deepEqual(where(problems[0]), { file: join(root, "template.yaml"), line: 7, field: "Resources.HelloNode.Properties.Runtime" });
  assert.match(
    problems[0].message,
    /template\.yaml:7: Resources\.HelloNode\.Properties\.Runtime: unknown runtime "nodejs99\.x"; expected one of nodejs16\.x, nodejs18\.x, nodejs20\.x,.* python3\.12,.* provided\.al2023$/,
  );
});

test("a missing Runtime (in the function and Globals) is reported at the function's Properties", () => {
  const root = writeProject({
    "template.yaml": `${SAM_HEADER}  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n`,
    "index.js": NODE_HANDLER,
  });
  const [problem] = load(root).problems;
  assert.deepEqual(where(problem), { file: join(root, "template.yaml"), line: 5, field: "Resources.Fn.Properties.Runtime" });
  assert.equal(problem.problem, "missing; expected a runtime name");
});

test("a MemorySize that is not a number is reported at its line, even when it comes from Globals", () => {
  const root = writeProject({
    "template.yaml": `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: soon
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      MemorySize: big
  Other:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Timeout: 5
`,
    "index.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "template.yaml"), line: 11, field: "Resources.Fn.Properties.MemorySize" }]);
  assert.equal(problems[0].problem, 'got "big"; expected a number (MB)');
  assert.deepEqual(project.functions.map((f) => f.name), ["Other"], "the other function in the same template still loads");

  const globalsRoot = writeProject({
    "template.yaml": `${SAM_HEADER}  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: index.handler, Runtime: nodejs20.x}\nGlobals:\n  Function:\n    Timeout: soon\n`,
    "index.js": NODE_HANDLER,
  });
  const [fromGlobals] = load(globalsRoot).problems;
  assert.deepEqual(where(fromGlobals), { file: join(globalsRoot, "template.yaml"), line: 8, field: "Globals.Function.Timeout" });
  assert.equal(fromGlobals.problem, 'got "soon"; expected a number (seconds)');
});

test("code in S3 is refused with what to use instead; an image function (samImage.test.ts) and inline code (samInlineCode.test.ts) load", () => {
  const root = writeProject({
    "template.yaml": `${SAM_HEADER}  Image:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: repo/image:latest
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(e, c): pass"
  FromS3:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      CodeUri:
        Bucket: artifacts
        Key: fn.zip
`,
  });
  const file = join(root, "template.yaml");
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => [f.name, f.container?.imageUri]), [["Image", "repo/image:latest"], ["Inline", undefined]]);
  assert.deepEqual(problems.map(where), [{ file, line: 19, field: "Resources.FromS3.Properties.CodeUri" }]);
  assert.match(problems[0].problem, /^code in S3 cannot run locally; expected a local path such as src\//);
});

test("an event type that is not emulated is reported, and the function still loads without it", () => {
  const root = writeProject({
    "template.yaml": `${SAM_HEADER}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Stream:
          Type: MQ
          Properties: { Broker: arn }
        Tick:
          Type: Schedule
          Properties: { Schedule: rate(1 minute), Input: "{not json" }
        Web:
          Type: HttpApi
          Properties: { Path: /web, Method: GET }
`,
    "index.js": NODE_HANDLER,
  });
  const file = join(root, "template.yaml");
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [
    { file, line: 10, field: "Resources.Fn.Properties.Events.Stream.Type" },
    { file, line: 14, field: "Resources.Fn.Properties.Events.Tick.Properties.Input" },
  ]);
  assert.match(problems[0].problem, /^event type "MQ" is not emulated; expected one of Api, HttpApi, Schedule, ScheduleV2, SNS, SQS, S3, EventBridgeRule, CloudWatchEvent, Kinesis, DynamoDB$/);
  assert.match(problems[1].problem, /^not valid JSON .*; expected a JSON string/);
  assert.deepEqual(project.functions[0].triggers, [{ kind: "http", method: "GET", path: "/web", payload: "aws-v2", name: "Web", api: IMPLICIT_HTTP }]);
});

test("a template.yaml without SAM functions or the SAM transform is not read as SAM", () => {
  const root = writeProject({
    "template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
    "helm/template.yaml": "{{ if .Values.enabled }}\nkind: Deployment\n{{ end }}\n",
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions, []);
  assert.deepEqual(problems, [], "another tool's template, even one that is not YAML, is none of our business");
  assert.deepEqual(project.manifests, [join(root, "template.yaml"), join(root, "helm", "template.yaml")]);
});
