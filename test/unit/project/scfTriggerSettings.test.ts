import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

test("scf timers: parameters.name is the TriggerName, enable: false keeps the timer off, qualifier and unused settings are warned", () => {
  const root = writeProject({
    "serverless.yml": `component: scf
name: jobs
inputs:
  name: jobs
  vpcConfig:
    vpcId: vpc-1
  timeout: 1800
  events:
    - timer:
        parameters:
          name: nightly
          qualifier: prod
          cronExpression: "0 0 3 * * * *"
          enable: false
    - timer:
        parameters:
          cronExpression: "0 */5 * * * * *"
          enable: true
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const { project, problems, warnings } = load(root);
  const file = join(root, "serverless.yml");
  assert.deepEqual(problems.map(where), [{ file, line: 7, field: "inputs.timeout" }], "over 900 s without asyncRunEnable");
  assert.match(problems[0].problem, /expected a whole number of seconds from 1 to 900$/);
  assert.deepEqual(project.functions, [], "the function with the bad timeout is left out");
  assert.deepEqual(warnings.map(where), [
    { file, line: 12, field: "inputs.events[0].timer.parameters.qualifier" },
    { file, line: 5, field: "inputs.vpcConfig" },
  ]);
  assert.match(warnings[1].problem, /^not emulated: .*not the VPC$/);

  const fixed = writeProject({ "serverless.yml": `component: scf\nname: jobs\nstage: prod\napp: shop\ninputs:\n  events:\n    - timer:\n        parameters:\n          name: nightly\n          cronExpression: "0 0 3 * * * *"\n          enable: false\n    - timer:\n        parameters:\n          cronExpression: "0 */5 * * * * *"\n          enable: true\n`, "index.js": SCF_NODE_HANDLER });
  const [fn] = load(fixed).project.functions;
  assert.equal(fn.name, "jobs-prod-shop");
  assert.deepEqual(fn.triggers, [
    { kind: "timer", name: "nightly", schedule: "0 0 3 * * * *", enabled: false },
    { kind: "timer", name: "timer-jobs-prod-shop", schedule: "0 */5 * * * * *", enabled: true },
  ]);
});

test("asyncRunEnable allows timeouts up to 86,400 s and no further", () => {
  const manifest = (timeout: number) => `component: scf\nname: long\ninputs:\n  name: long\n  asyncRunEnable: true\n  timeout: ${timeout}\n`;
  const ok = load(writeProject({ "serverless.yml": manifest(86400), "index.js": SCF_NODE_HANDLER }));
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.project.functions[0].timeoutSec, 86400);
  const tooLong = load(writeProject({ "serverless.yml": manifest(86401), "index.js": SCF_NODE_HANDLER }));
  assert.match(tooLong.problems[0].problem, /from 1 to 86400$/);
});

test("one function in both serverless.yml and template.yaml of a folder is one function: serverless.yml wins, said at template.yaml", () => {
  const root = writeProject({
    "serverless.yml": "component: scf\nname: hello\ninputs:\n  name: hello\n  runtime: Nodejs18.15\n  timeout: 7\n",
    "template.yaml": `Resources:
  default:
    Type: TencentCloud::Serverless::Namespace
    hello:
      Type: TencentCloud::Serverless::Function
      Properties:
        Handler: index.main_handler
        Runtime: Nodejs18.15
        Timeout: 3
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions.map((f) => [f.name, f.timeoutSec, f.source.file]), [["hello", 7, join(root, "serverless.yml")]]);
  assert.deepEqual(warnings.map(where), [{ file: join(root, "template.yaml"), line: 4, field: "Resources.default.hello" }]);
  assert.match(warnings[0].problem, /also described in .*serverless\.yml:4; that serverless\.yml is used/);
});

test("a trigger left without enable is disabled as the component deploys it, and said", () => {
  const root = writeProject({
    "serverless.yml": "component: scf\nname: fn\ninputs:\n  name: fn\n  events:\n    - cos:\n        parameters:\n          bucket: b-1250000000\n",
    "index.js": SCF_NODE_HANDLER,
  });
  const { project, warnings } = load(root);
  assert.deepEqual(project.functions[0].triggers, []);
  assert.deepEqual(warnings.map(where), [{ file: join(root, "serverless.yml"), line: 7, field: "inputs.events[0].cos.parameters.enable" }]);
  assert.match(warnings[0].problem, /enable defaults to false.*left out/);
});
