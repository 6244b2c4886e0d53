import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixture, load, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

/** What an SCF component route carries when its manifest sets no gateway settings (release, 15 s serviceTimeout). */
const scfApi = (id: string) => ({ api: { id, kind: "scf", stage: "release", stageVariables: { stage: "release" } }, scfGateway: { serviceTimeoutSec: 15 } });

test("the multi-scf component's own example loads both functions from the shared src, with their triggers", () => {
  const root = fixture("multi-scf");
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.handler, f.runtime, f.codeDir, f.memoryMb, f.timeoutSec, f.region]),
    [
      ["index", "app.index", "Nodejs12.16", root, 128, 3, "ap-guangzhou"],
      ["userList", "app.userList", "Nodejs12.16", root, 256, 10, "ap-guangzhou"],
    ],
  );
  assert.deepEqual(project.functions[0].packageExclude, [".env"]);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "timer", name: "timer1", schedule: "*/5 * * * * * *", enabled: true, message: "argument" },
    { kind: "http", method: "GET", path: "/", payload: "scf", integratedResponse: false, name: "serverless", ...scfApi("serverless") },
  ]);
  assert.deepEqual(project.functions[1].triggers, [
    { kind: "http", method: "POST", path: "/", payload: "scf", integratedResponse: false, name: "serverless", ...scfApi("serverless") },
  ]);
});

test("multi-scf: a function without name is KEY-instance-stage-app; list environments and cls triggers; a trigger naming no function is an error at its line", () => {
  const root = writeProject({
    "serverless.yml": `app: shop
component: multi-scf
name: api
inputs:
  src: ./
  runtime: Nodejs18.15
  environment:
    - key: SHARED
      value: yes
  functions:
    orders:
      handler: index.main_handler
      asyncRunEnable: true
      timeout: 3600
      environment:
        variables:
          OWN: 1
  triggers:
    - type: cls
      function: orders
      parameters:
        topicId: abc
    - type: cos
      function: nowhere
      parameters:
        bucket: b-1250000000
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const { project, problems, warnings } = load(root);
  const file = join(root, "serverless.yml");
  assert.deepEqual(problems.map(where), [{ file, line: 24, field: "inputs.triggers[1].function" }]);
  assert.match(problems[0].problem, /^no function "nowhere" in inputs.functions \(functions: orders\)/);
  const [orders] = project.functions;
  assert.equal(orders.name, "orders-api-dev-shop");
  assert.equal(orders.timeoutSec, 3600, "asyncRunEnable allows more than 900 s");
  assert.deepEqual(orders.environment, { SHARED: "yes", OWN: "1" });
  assert.deepEqual(orders.triggers, []);
  assert.deepEqual(warnings.map(where), [
    { file, line: 19, field: "inputs.triggers[0]" },
    { file, line: 13, field: "inputs.functions.orders.asyncRunEnable" },
  ]);
  assert.match(warnings[0].problem, /^cls triggers are not emulated/);
  assert.match(warnings[1].problem, /^async execution is not emulated/);
});
