import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixture, load, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

/** What an SCF component route carries when its manifest sets no gateway settings (release, 15 s serviceTimeout). */
const scfApi = (id: string) => ({ api: { id, kind: "scf", stage: "release", stageVariables: { stage: "release" } }, scfGateway: { serviceTimeoutSec: 15 } });

// Fixtures: the v1 component's README_CN "配置" example (serverless-components/tencent-scf, v1 branch)
// and Tencent Cloud's v1 quick start for the SCF component, both as written there.

test("the v1 component README example loads both instances with the component's defaults, and says what differs", () => {
  const root = fixture("components-v1-scf");
  const file = join(root, "serverless.yml");
  const code = join(root, "code");
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.dialect, f.runtime, f.handler, f.codeDir, f.memoryMb, f.timeoutSec, f.region]),
    [
      ["myFunction1", "scf", "Nodejs8.9", "index.main_handler", code, 128, 20, "ap-guangzhou"],
      // Only name and codeUri: runtime Nodejs8.9, handler index.main_handler, 128 MB, 3 s, as library/provider.js fills them in.
      ["myFunction2", "scf", "Nodejs8.9", "index.main_handler", code, 128, 3, "ap-guangzhou"],
    ],
  );
  assert.deepEqual(project.functions[0].environment, { TEST: "vale" });
  assert.deepEqual(project.functions[0].packageExclude, [".gitignore", ".git/**", "node_modules/**", ".serverless", ".env"]);
  assert.deepEqual(project.functions[0].source, { file, line: 5 });
  assert.deepEqual(warnings.map(where), [
    { file, line: 20, field: "myFunction1.inputs.include" },
    { file, line: 25, field: "myFunction1.inputs.vpcConfig" },
  ]);
  assert.match(warnings[0].problem, /locally the function sees only its codeUri folder/);
});

test("Tencent's v1 quick start loads its function on GET / with the gateway's SCF event", () => {
  const root = fixture("components-v1-quickstart");
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.handler, f.runtime, f.codeDir, f.triggers]),
    [
      [
        "myFunction",
        "index.main_handler",
        "Nodejs8.9",
        root,
        [{ kind: "http", method: "GET", path: "/", payload: "scf", integratedResponse: false, name: "serverless", ...scfApi("serverless") }],
      ],
    ],
  );
});

test("v1: timer and apigw events as the component reads them; other components and unknown outputs are told at their line", () => {
  const root = writeProject({
    "serverless.yml": `Conf:
  component: "serverless-global"
  inputs:
    mysql_host: db.example
    mysql_port: 62580

Website:
  component: "@serverless/tencent-website"
  inputs:
    code:
      src: ./public

MyFunction:
  component: "@serverless/tencent-scf"
  inputs:
    name: orders
    codeUri: ./src
    handler: index.main_handler
    runtime: Nodejs12.16
    region: ap-shanghai
    memorySize: 256
    timeout: 30
    environment:
      variables:
        HOST: \${Conf.mysql_host}
        PORT: \${Conf.mysql_port}
        SITE: https://\${Website.host}/
    events:
      - timer:
          name: nightly
          parameters:
            cronExpression: '0 0 2 * * * *'
            enable: true
      - timer:
          name: hourly
          parameters:
            cronExpression: '0 0 * * * * *'
      - apigw:
          name: orders_api
          parameters:
            environment: release
            endpoints:
              - path: /orders
                method: POST
`,
    "src/index.js": SCF_NODE_HANDLER,
  });
  const file = join(root, "serverless.yml");
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  const [fn] = project.functions;
  assert.deepEqual(
    [fn.name, fn.runtime, fn.codeDir, fn.memoryMb, fn.timeoutSec, fn.region],
    ["orders", "Nodejs12.16", join(root, "src"), 256, 30, "ap-shanghai"],
  );
  // serverless-global's outputs are its inputs; another instance's outputs exist only once deployed.
  assert.deepEqual(fn.environment, { HOST: "db.example", PORT: "62580", SITE: "https://${Website.host}/" });
  assert.deepEqual(fn.triggers, [
    { kind: "timer", name: "nightly", schedule: "0 0 2 * * * *", enabled: true },
    // Not set (told at its parameters, line 36): the component deploys the trigger closed (library/deployTrigger.js: Enable ? 'OPEN' : 'CLOSE').
    { kind: "timer", name: "hourly", schedule: "0 0 * * * * *", enabled: false },
    { kind: "http", method: "POST", path: "/orders", payload: "scf", integratedResponse: false, name: "orders_api", ...scfApi("orders_api") },
  ]);
  assert.deepEqual(warnings.map(where), [
    { file, line: 8, field: "Website.component" },
    { file, line: 27, field: "MyFunction.inputs.environment.variables.SITE" },
    { file, line: 36, field: "MyFunction.inputs.events[1].timer.parameters.enable" },
  ]);
  assert.match(warnings[0].problem, /@serverless\/tencent-website component is not emulated: instance Website/);
  assert.match(warnings[1].problem, /\$\{Website\.host\} is another instance's output/);
});

test("v1: a missing inputs.name or codeUri is an error at its place; the other instances still load", () => {
  const root = writeProject({
    "serverless.yml": `NoName:
  component: "@serverless/tencent-scf"
  inputs:
    codeUri: ./
NoCode:
  component: "@serverless/tencent-scf"
  inputs:
    name: nocode
Good:
  component: "@serverless/tencent-scf@0.2.0"
  inputs:
    name: good
    codeUri: ./
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const file = join(root, "serverless.yml");
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [
    { file, line: 3, field: "NoName.inputs.name" },
    { file, line: 7, field: "NoCode.inputs.codeUri" },
  ]);
  assert.match(problems[0].problem, /missing; expected the function name/);
  assert.deepEqual(project.functions.map((f) => f.name), ["good"]);
});

test("a v1 file that does not parse is reported when it holds a tencent-scf instance, and a file of other v1 components is left alone", () => {
  const root = writeProject({
    "broken/serverless.yml": `fn:\n  component: "@serverless/tencent-scf"\n  inputs: [oops\n`,
    "other/serverless.yml": `site:\n  component: "@serverless/tencent-website"\n  inputs:\n    code: {src: ./}\n`,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems.map((p) => p.file), [join(root, "broken", "serverless.yml")]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(project.functions, []);
});
