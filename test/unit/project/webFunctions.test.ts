import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, where, writeProject } from "./projectFiles";

const BOOTSTRAP = "#!/bin/bash\n/var/lang/node18/bin/node app.js\n";

test("serverless.yml: an scf component with type: web loads as a web function with its init timeout and per-instance concurrency", () => {
  const root = writeProject({
    "serverless.yml": `component: scf
name: site
inputs:
  name: site
  src: ./
  type: web
  runtime: Nodejs18.15
  initTimeout: 20
  instanceConcurrencyConfig:
    dynamicEnabled: false
    maxConcurrency: 4
  events:
    - apigw:
        parameters:
          endpoints:
            - path: /
              method: ANY
`,
    scf_bootstrap: BOOTSTRAP,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings.map((w) => w.problem), [], "initTimeout and instanceConcurrencyConfig are read for a web function");
  const [site] = project.functions;
  assert.deepEqual(site.web, { instanceConcurrency: 4, initTimeoutSec: 20 });
  assert.equal(site.triggers[0]?.kind, "http");
});

test("serverless.yml: an event function keeps its warning for instanceConcurrencyConfig, and a web function defaults to one request per instance and 60 s", () => {
  const root = writeProject({
    "serverless.yml": `component: scf
name: events
inputs:
  name: events
  src: ./
  runtime: Nodejs18.15
  instanceConcurrencyConfig:
    maxConcurrency: 4
`,
    "index.js": "exports.main_handler = async () => 'ok';\n",
    "web/serverless.yml": "component: scf\nname: w\ninputs:\n  name: w\n  src: ./\n  type: web\n  runtime: Python3.9\n",
    "web/scf_bootstrap": BOOTSTRAP,
  });
  const { project, warnings } = load(root);
  const events = project.functions.find((f) => f.name === "events");
  const web = project.functions.find((f) => f.name === "w");
  assert.equal(events?.web, undefined);
  assert.ok(warnings.some((w) => w.field.endsWith("instanceConcurrencyConfig")), JSON.stringify(warnings));
  assert.deepEqual(web?.web, { instanceConcurrency: 1, initTimeoutSec: 60 });
});

test("serverless.yml: a wrong type or concurrency is an error at its file, line and field", () => {
  const root = writeProject({
    "serverless.yml": `component: scf
name: site
inputs:
  name: site
  src: ./
  type: website
  runtime: Nodejs18.15
`,
    "a/serverless.yml": `component: scf
name: a
inputs:
  name: a
  src: ./
  type: web
  runtime: Nodejs18.15
  instanceConcurrencyConfig:
    maxConcurrency: 101
`,
  });
  const { problems } = load(root);
  const file = join(root, "serverless.yml");
  const type = problems.find((p) => p.file === file);
  assert.deepEqual(type && where(type), { file, line: 6, field: "inputs.type" });
  assert.match(type!.problem, /got "website"; expected event \(an event function, the default\) or web/);
  const concurrency = problems.find((p) => p.file === join(root, "a", "serverless.yml"));
  assert.deepEqual(concurrency && where(concurrency), { file: join(root, "a", "serverless.yml"), line: 9, field: "inputs.instanceConcurrencyConfig.maxConcurrency" });
  assert.match(concurrency!.problem, /got 101; expected a whole number from 1 to 100/);
});

test("SCF template: Type: HTTP is a web function; InitTimeout and InstanceConcurrencyConfig are read; a bad Type names its line", () => {
  const root = writeProject({
    "template.yaml": `Resources:
  default:
    Type: TencentCloud::Serverless::Namespace
    site:
      Type: TencentCloud::Serverless::Function
      Properties:
        CodeUri: ./
        Type: HTTP
        Runtime: Nodejs18.15
        InitTimeout: 30
        InstanceConcurrencyConfig:
          MaxConcurrency: 2
    broken:
      Type: TencentCloud::Serverless::Function
      Properties:
        CodeUri: ./
        Type: Web
        Runtime: Nodejs18.15
`,
    scf_bootstrap: BOOTSTRAP,
  });
  const { project, problems } = load(root);
  const site = project.functions.find((f) => f.name === "site");
  assert.deepEqual(site?.web, { instanceConcurrency: 2, initTimeoutSec: 30 });
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.deepEqual(where(problems[0]), { file: join(root, "template.yaml"), line: 17, field: "Resources.default.broken.Properties.Type" });
  assert.match(problems[0].problem, /got "Web"; expected Event \(an event function, the default\) or HTTP/);
});

test("faasbox.yml: type: web defines a function without a handler; instanceConcurrency on an event function and a web function of the aws dialect are errors", () => {
  const root = writeProject({
    "faasbox.yml": `functions:
  site:
    runtime: Nodejs18.15
    type: web
    instanceConcurrency: 3
    events:
      - http: { path: /, method: ANY }
  plain:
    runtime: Nodejs18.15
    handler: index.main_handler
    instanceConcurrency: 2
  lambda:
    runtime: nodejs20.x
    type: web
`,
    scf_bootstrap: BOOTSTRAP,
    "index.js": "exports.main_handler = async () => 'ok';\n",
  });
  const { project, problems } = load(root);
  const site = project.functions.find((f) => f.name === "site");
  assert.deepEqual(site?.web, { instanceConcurrency: 3, initTimeoutSec: 60 });
  assert.equal(site?.handler, "scf_bootstrap");
  assert.equal(site?.triggers.length, 1);
  const file = join(root, "faasbox.yml");
  assert.deepEqual(problems.map(where), [
    { file, line: 11, field: "functions.plain.instanceConcurrency" },
    { file, line: 14, field: "functions.lambda.type" },
  ]);
  assert.match(problems[0].problem, /per-instance concurrency is for web functions only/);
  assert.match(problems[1].problem, /web functions are SCF's/);
});

test("a web function with a timer is an error: SCF binds web functions to API gateway triggers only", () => {
  const root = writeProject({
    "faasbox.yml": `functions:
  site:
    runtime: Nodejs18.15
    type: web
    events:
      - http: { path: /, method: ANY }
      - timer: { schedule: "rate(1 minute)", name: tick }
`,
    scf_bootstrap: BOOTSTRAP,
  });
  const { project, problems } = load(root);
  assert.equal(project.functions.length, 0);
  assert.deepEqual(problems.map(where), [{ file: join(root, "faasbox.yml"), line: 2, field: "functions.site" }]);
  assert.match(problems[0].problem, /a web function takes API gateway triggers only, as in SCF; got timer tick: remove it, or make the function an event function/);
});
