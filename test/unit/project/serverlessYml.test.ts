import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXAMPLES } from "../../helpers/paths";
import { fixture, load, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

/** What an SCF component route carries when its manifest sets no gateway settings (release, 15 s serviceTimeout). */
const scfApi = (id: string) => ({ api: { id, kind: "scf", stage: "release", stageVariables: { stage: "release" } }, scfGateway: { serviceTimeoutSec: 15 } });

test("the SCF examples load hello-node and hello-python with their API gateway routes", () => {
  const { project, problems } = load(join(EXAMPLES, "scf"));
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.dialect, f.runtime, f.family, f.handler, f.codeDir]),
    [
      ["hello-node", "scf", "Nodejs18.15", "nodejs", "index.main_handler", join(EXAMPLES, "scf", "node")],
      ["hello-python", "scf", "Python3.9", "python", "index.main_handler", join(EXAMPLES, "scf", "python")],
    ],
  );
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "http", method: "GET", path: "/scf/hello-node", payload: "scf", integratedResponse: true, ...scfApi("apigw") },
  ]);
  assert.deepEqual(project.functions[1].triggers, [
    { kind: "http", method: "GET", path: "/scf/hello-python", payload: "scf", integratedResponse: true, ...scfApi("apigw") },
  ]);
  const node = project.functions[0];
  assert.deepEqual(
    [node.memoryMb, node.timeoutSec, node.environment, node.namespace, node.region],
    [128, 3, { GREETING: "Hello" }, "default", "ap-guangzhou"],
  );
  assert.deepEqual(node.source, { file: join(EXAMPLES, "scf", "node", "serverless.yml"), line: 30 }, "inputs.name, at the end of the file");
});

test("every input and event type of the scf component is read", () => {
  const { project, problems } = load(fixture("scf-component"));
  assert.deepEqual(problems, []);
  const orders = project.functions.find((f) => f.name === "orders-test");
  assert.ok(orders, "inputs.name with ${name}-${stage} becomes orders-test");
  const dir = fixture("scf-component/orders");
  assert.equal(orders.codeDir, join(dir, "code"), "src: {src: ./code} is relative to serverless.yml");
  assert.deepEqual(
    [orders.runtime, orders.family, orders.handler, orders.memoryMb, orders.timeoutSec, orders.namespace, orders.region],
    ["Python3.10", "python", "app.main_handler", 256, 30, "shop", "ap-shanghai"],
  );
  assert.deepEqual(orders.environment, { DEBUG: "true", RETRIES: "3" });
  assert.deepEqual(orders.triggers, [
    { kind: "http", method: "POST", path: "/orders", payload: "scf", integratedResponse: false, name: "shop_api", ...scfApi("shop_api") },
    { kind: "http", method: "ANY", path: "/orders/{id}", payload: "scf", integratedResponse: false, name: "shop_api", ...scfApi("shop_api") },
    { kind: "timer", name: "nightly", schedule: "0 0 3 * * * *", enabled: false, message: "cleanup" },
    { kind: "topic", name: "cmq-trigger", topic: "order-events", batchSize: 1, source: "topic" },
    { kind: "topic", name: "payments", topic: "payments", batchSize: 20, source: "queue" },
    {
      kind: "storage",
      name: "receipts-1250000000",
      bucket: "receipts-1250000000",
      events: ["cos:ObjectCreated:Put", "cos:ObjectRemove:*"],
      prefix: "receipts/",
      suffix: ".pdf",
    },
  ]);
});

test("a minimal serverless.yml gets the component's defaults and one route named after the function", () => {
  // No inputs.name: the component's ${name}-${stage}-${app}, stage dev and app the instance name.
  const minimal = load(fixture("scf-component")).project.functions.find((f) => f.name === "minimal-dev-minimal");
  assert.ok(minimal);
  assert.deepEqual(
    [minimal.runtime, minimal.handler, minimal.codeDir, minimal.memoryMb, minimal.timeoutSec, minimal.namespace, minimal.region],
    ["Nodejs10.15", "index.main_handler", fixture("scf-component/minimal"), 128, 3, "default", "ap-guangzhou"],
  );
  assert.deepEqual(minimal.triggers, [{ kind: "http", method: "ANY", path: "/minimal-dev-minimal", payload: "scf", integratedResponse: false, ...scfApi("apigw") }]);
});

test("serverless.yml files of other components and of the Serverless Framework for other clouds are ignored", () => {
  const { project, problems } = load(fixture("scf-component"));
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions.map((f) => f.name).sort(), ["minimal-dev-minimal", "orders-test"]);
  assert.equal(project.manifests.length, 4, "they are still read, and watched");
});

test("an unknown event type is reported at its line; the function and its other events still load", () => {
  const root = writeProject({
    "serverless.yml": `component: scf
name: fn
inputs:
  runtime: Nodejs18.15
  events:
    - foo:
        parameters: {}
    - timer:
        parameters:
          cronExpression: "*/5 * * * * * *"
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "serverless.yml"), line: 6, field: "inputs.events[0].foo" }]);
  assert.equal(problems[0].problem, 'unknown event type "foo"; expected one of apigw, timer, cmq, ckafka, cos');
  assert.deepEqual(project.functions[0].triggers, [{ kind: "timer", name: "timer-fn-dev-fn", schedule: "*/5 * * * * * *", enabled: false }]);
});

test("an SCF manifest refuses runtimes SCF does not have, listing SCF's names", () => {
  const root = writeProject({
    "serverless.yml": "component: scf\nname: fn\ninputs:\n  runtime: Go1\n",
    "index.js": SCF_NODE_HANDLER,
  });
  const [problem] = load(root).problems;
  assert.deepEqual(where(problem), { file: join(root, "serverless.yml"), line: 4, field: "inputs.runtime" });
  assert.match(problem.problem, /^unknown runtime "Go1"; expected one of Nodejs6\.10, .*Nodejs18\.15, .*Python3\.9, .*CustomRuntime$/);
});

test("a timer without a cron expression says what to write", () => {
  const root = writeProject({
    "serverless.yml": "component: scf\nname: fn\ninputs:\n  events:\n    - timer:\n        name: t\n",
    "index.js": SCF_NODE_HANDLER,
  });
  const [problem] = load(root).problems;
  assert.deepEqual(where(problem), { file: join(root, "serverless.yml"), line: 5, field: "inputs.events[0].timer.parameters.cronExpression" });
  assert.match(problem.problem, /^missing; expected a cron expression/);
});

test("a serverless.yml without any function name is an error", () => {
  const root = writeProject({ "serverless.yml": "component: scf\ninputs:\n  runtime: Nodejs18.15\n" });
  const [problem] = load(root).problems;
  assert.deepEqual(where(problem), { file: join(root, "serverless.yml"), line: 2, field: "inputs.name" });
  assert.match(problem.problem, /^missing; expected the function name/);
});
