import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "../../../emulator/project/loadProject";
import { fixture, load, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

/** The service and release environment an SCF route carries; this format names no gateway timeout. */
const scfApi = (id: string) => ({ api: { id, kind: "scf", stage: "release", stageVariables: { stage: "release" } } });

test("the framework's tencent-nodejs template loads unchanged: function_one with the plugin's defaults", () => {
  const root = fixture("sls-tencent-nodejs");
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.dialect, f.runtime, f.handler, f.codeDir, f.memoryMb, f.timeoutSec, f.region, f.triggers]),
    [["function_one", "scf", "Nodejs8.9", "index.main_handler", root, 128, 3, "ap-guangzhou", []]],
  );
  assert.deepEqual(project.functions[0].source, { file: join(root, "serverless.yml"), line: 47 });
});

/** The plugin's yaml.md reference with its optional settings and events written out. */
const REFERENCE = `service: my-service

provider:
  name: tencent
  runtime: Nodejs8.9
  credentials: ~/credentials
  stage: \${opt:stage, 'dev'}
  memorySize: 256
  timeout: 10
  region: ap-shanghai
  environment:
    variables:
      ENV_FIRST: env1
      ENV_SECOND: \${env:SECOND_VALUE, 'none'}
  vpcConfig:
    vpcId: test
    subnetId: test

plugins:
  - serverless-tencent-scf

package:
  exclude:
    - exclude-me.js

functions:
  function_one:
    handler: index.main_handler
    runtime: Nodejs10.15
    memorySize: 512
    environment:
      variables:
        ENV_FIRST: own
        SERVICE: \${self:service}-\${self:provider.stage}
    events:
      - timer:
          name: timer
          parameters:
            cronExpression: '*/5 * * * *'
            enable: true
      - apigw:
          name: hello_world_apigw
          parameters:
            stageName: release
            serviceId:
            httpMethod: ANY
      - cos:
          name: cli-appid.cos.ap-beijing.myqcloud.com
          parameters:
            bucket: cli-appid.cos.ap-beijing.myqcloud.com
            filter:
              prefix: filterdir/
              suffix: .jpg
            events: cos:ObjectCreated:*
            enable: true
      - cmq:
          name: cmq_trigger
          parameters:
            name: test-topic-queue
            enable: true
      - ckafka:
          name: ckafka_trigger
          parameters:
            name: ckafka-2o10hua5
            topic: test
            maxMsgNum: 999
            offset: latest
            enable: true
  function_two:
    handler: other.main_handler
`;

test("provider: tencent reads the plugin's settings, events and variables; the function keeps its key as the aws reader does", () => {
  const root = writeProject({ "serverless.yml": REFERENCE, "index.js": SCF_NODE_HANDLER, "other.js": SCF_NODE_HANDLER });
  const file = join(root, "serverless.yml");
  const { project, problems, warnings } = loadProject(root, { env: { SECOND_VALUE: "two" }, stage: "prod" });
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.runtime, f.handler, f.memoryMb, f.timeoutSec, f.region]),
    [
      ["function_one", "Nodejs10.15", "index.main_handler", 512, 10, "ap-shanghai"],
      ["function_two", "Nodejs8.9", "other.main_handler", 256, 10, "ap-shanghai"],
    ],
  );
  const [one, two] = project.functions;
  // provider.environment.variables, then the function's own, key by key (tencentProvider.js getEnvironment).
  assert.deepEqual(one.environment, { ENV_FIRST: "own", ENV_SECOND: "two", SERVICE: "my-service-prod" });
  assert.deepEqual(two.environment, { ENV_FIRST: "env1", ENV_SECOND: "two" });
  assert.deepEqual(one.packageExclude, ["exclude-me.js"]);
  assert.deepEqual(one.triggers, [
    { kind: "timer", name: "timer", schedule: "*/5 * * * *", enabled: true },
    // Deployed as my-service-prod-function_one; the plugin's trigger has no path of its own.
    { kind: "http", method: "ANY", path: "/my-service-prod-function_one", payload: "scf", integratedResponse: false, name: "hello_world_apigw", ...scfApi("hello_world_apigw") },
    { kind: "storage", name: "cli-appid.cos.ap-beijing.myqcloud.com", bucket: "cli-appid", events: ["cos:ObjectCreated:*"], prefix: "filterdir/", suffix: ".jpg" },
    { kind: "topic", name: "cmq_trigger", topic: "test-topic-queue", batchSize: 1, source: "topic" },
    { kind: "topic", name: "ckafka_trigger", topic: "test", batchSize: 999, source: "queue" },
  ]);
  // Each at its line, once, though both functions inherit the provider's vpcConfig. stageName is read (the stage).
  assert.deepEqual(
    warnings.map((w) => [w.line, w.field]),
    [
      [67, "functions.function_one.events[4].ckafka.parameters.offset"],
      [15, "provider.vpcConfig"],
    ],
  );
  assert.ok(warnings.every((w) => w.file === file));
});

test("provider: tencent defaults: GET, no integrated response, stage dev and region ap-guangzhou; a path is said to be dropped", () => {
  const root = writeProject({
    "serverless.yml": `service: shop
provider:
  name: tencent
  runtime: Python3.6
plugins:
  - serverless-tencent-scf
  - serverless-offline
functions:
  hello:
    handler: index.main_handler
    events:
      - apigw:
          name: api
          parameters:
            path: /hello
            integratedResponse: true
      - timer:
          name: every5
          parameters:
            cronExpression: '*/5 * * * *'
`,
    "index.py": "def main_handler(event, context):\n    return 'ok'\n",
  });
  const file = join(root, "serverless.yml");
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  const [hello] = project.functions;
  assert.deepEqual([hello.name, hello.family, hello.region], ["hello", "python", "ap-guangzhou"]);
  assert.deepEqual(hello.triggers, [
    { kind: "http", method: "GET", path: "/shop-dev-hello", payload: "scf", integratedResponse: true, name: "api", ...scfApi("api") },
    { kind: "timer", name: "every5", schedule: "*/5 * * * *", enabled: false },
  ]);
  assert.deepEqual(warnings.map(where), [
    { file, line: 7, field: "plugins[1]" },
    { file, line: 15, field: "functions.hello.events[0].apigw.parameters.path" },
    { file, line: 19, field: "functions.hello.events[1].timer.parameters.enable" },
  ]);
  assert.match(warnings[1].problem, /locally the route is \/shop-dev-hello/);
  assert.match(warnings[2].problem, /enable defaults to false/);
});

test("provider: tencent: an unresolvable variable or an unknown event is an error at its line, and the other functions load", () => {
  const root = writeProject({
    "serverless.yml": `service: shop
provider:
  name: tencent
functions:
  broken:
    handler: index.main_handler
    environment:
      variables:
        TOKEN: \${env:MISSING_TOKEN}
  odd:
    handler: index.main_handler
    events:
      - sqs:
          name: q
  fine:
    handler: index.main_handler
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const file = join(root, "serverless.yml");
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [
    { file, line: 9, field: "functions.broken.environment.variables.TOKEN" },
    { file, line: 13, field: "functions.odd.events[0].sqs" },
  ]);
  assert.match(problems[0].problem, /cannot resolve \$\{env:MISSING_TOKEN\}/);
  assert.match(problems[1].problem, /unknown event type "sqs"/);
  assert.deepEqual(project.functions.map((f) => [f.name, f.runtime, f.triggers]), [
    ["odd", "Nodejs8.9", []],
    ["fine", "Nodejs8.9", []],
  ]);
});

test("a provider: tencent file that does not parse is reported, not taken for someone else's", () => {
  const root = writeProject({ "serverless.yml": "service: shop\nprovider:\n  name: tencent\nfunctions: [oops\n" });
  const { problems } = load(root);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].file, join(root, "serverless.yml"));
});
