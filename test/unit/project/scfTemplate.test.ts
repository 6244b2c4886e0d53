import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixture, load, where, writeProject } from "./projectFiles";

/** The service and release environment an SCF route carries; this format names no gateway timeout. */
const scfApi = (id: string) => ({ api: { id, kind: "scf", stage: "release", stageVariables: { stage: "release" } } });

test("a TCSAM template loads each function of each namespace with its events", () => {
  const { project, problems } = load(fixture("scf-template"));
  assert.deepEqual(problems, []);
  const [ticker, consumer] = project.functions;
  const root = fixture("scf-template");
  assert.deepEqual(
    [ticker.name, ticker.namespace, ticker.dialect, ticker.runtime, ticker.family, ticker.codeDir, ticker.memoryMb, ticker.timeoutSec],
    ["ticker", "default", "scf", "Nodejs16.13", "nodejs", join(root, "ticker"), 256, 20],
  );
  assert.deepEqual(ticker.environment, { MODE: "tick" });
  assert.deepEqual(ticker.triggers, [
    { kind: "timer", name: "EveryMinute", schedule: "0 */1 * * * * *", enabled: true, message: "hello" },
    // No Path: the route is named after the function.
    { kind: "http", method: "POST", path: "/ticker", payload: "scf", integratedResponse: true, name: "Web", ...scfApi("Web") },
  ]);
  assert.deepEqual(ticker.source, { file: join(root, "template.yaml"), line: 4 });

  assert.deepEqual([consumer.name, consumer.namespace, consumer.family, consumer.handler], ["consumer", "billing", "python", "handler.main"]);
  assert.deepEqual(consumer.triggers, [
    { kind: "topic", name: "Orders", topic: "orders", batchSize: 1, source: "topic" },
    { kind: "topic", name: "Payments", topic: "payments", batchSize: 50, source: "queue" },
    // The disabled CKafka trigger is left out: the cloud would never fire it.
    {
      kind: "storage",
      name: "Images",
      bucket: "images-1250000000",
      events: ["cos:ObjectCreated:*"],
      prefix: "in/",
      suffix: ".jpg",
    },
  ]);
});

test("an APIGW event may give its own path; integrated response is off unless asked for", () => {
  const root = writeProject({
    "template.yaml": `Resources:
  default:
    Type: TencentCloud::Serverless::Namespace
    api:
      Type: TencentCloud::Serverless::Function
      Properties:
        Runtime: Python3.9
        Handler: index.main_handler
        Events:
          Gateway:
            Type: APIGW
            Properties: { Path: /v1/api }
`,
    "index.py": "def main_handler(event, context):\n    return 'ok'\n",
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions[0].triggers, [
    { kind: "http", method: "ANY", path: "/v1/api", payload: "scf", integratedResponse: false, name: "Gateway", ...scfApi("Gateway") },
  ]);
  assert.equal(project.functions[0].codeDir, root, "CodeUri defaults to the template's folder");
});

test("an unknown TCSAM event type and a Timer without CronExpression are reported at their lines", () => {
  const root = writeProject({
    "template.yaml": `Resources:
  default:
    Type: TencentCloud::Serverless::Namespace
    fn:
      Type: TencentCloud::Serverless::Function
      Properties:
        Runtime: Nodejs18.15
        Events:
          Mq:
            Type: MQTT
          Tick:
            Type: Timer
            Properties:
              Enable: true
`,
    "index.js": "exports.main_handler = async () => 1;\n",
  });
  const file = join(root, "template.yaml");
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [
    { file, line: 10, field: "Resources.default.fn.Properties.Events.Mq.Type" },
    { file, line: 13, field: "Resources.default.fn.Properties.Events.Tick.Properties.CronExpression" },
  ]);
  assert.equal(problems[0].problem, 'unknown event type "MQTT"; expected one of Timer, APIGW, CMQ, CKafka, COS');
  assert.deepEqual(project.functions.map((f) => f.name), ["fn"]);
});
