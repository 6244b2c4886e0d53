// The SCF API gateway trigger's settings, read from each Tencent manifest format onto the route.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { HttpRoute } from "../../../emulator/protocol";
import { load, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

function scfComponent(apigw: string): string {
  return `component: scf
name: api
inputs:
  name: api
  src: ./
  handler: index.main_handler
  runtime: Nodejs18.15
  events:
    - apigw:
${apigw}`;
}

function routes(root: string): HttpRoute[] {
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  return project.functions[0].triggers as HttpRoute[];
}

test("scf component: integrated response is off unless function.isIntegratedResponse is true; the service, environment and timeouts are on the route", () => {
  const root = writeProject({
    "serverless.yml": scfComponent(`        name: shop
        parameters:
          serviceId: service-abcd1234
          protocols: [http, https]
          environment: test
          endpoints:
            - path: /plain
              method: GET
            - path: /integrated
              method: POST
              serviceTimeout: 30
              function:
                isIntegratedResponse: TRUE
`),
    "index.js": SCF_NODE_HANDLER,
  });
  const api = { id: "service-abcd1234", kind: "scf", stage: "test", stageVariables: { stage: "test" } };
  assert.deepEqual(routes(root), [
    { kind: "http", method: "GET", path: "/plain", payload: "scf", integratedResponse: false, name: "shop", api, scfGateway: { serviceTimeoutSec: 15 } },
    { kind: "http", method: "POST", path: "/integrated", payload: "scf", integratedResponse: true, name: "shop", api, scfGateway: { serviceTimeoutSec: 30 } },
  ]);
});

test("Base64 request encoding: isBase64Encoded for every body, isBase64Trigger with rules for matching headers; rules alone are said to do nothing", () => {
  const root = writeProject({
    "serverless.yml": scfComponent(`        parameters:
          endpoints:
            - path: /all
              method: POST
              isBase64Encoded: true
            - path: /some
              method: POST
              isBase64Trigger: true
              base64EncodedTriggerRules:
                - name: Content_Type
                  value: [image/png, application/zip]
                - name: Accept
                  value: application/octet-stream
            - path: /none
              method: POST
              base64EncodedTriggerRules:
                - name: Accept
                  value: [image/png]
`),
    "index.js": SCF_NODE_HANDLER,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  const gateways = (project.functions[0].triggers as HttpRoute[]).map((r) => r.scfGateway);
  assert.deepEqual(gateways, [
    { serviceTimeoutSec: 15, base64: { all: true } },
    {
      serviceTimeoutSec: 15,
      base64: { rules: [{ header: "content-type", values: ["image/png", "application/zip"] }, { header: "accept", values: ["application/octet-stream"] }] },
    },
    { serviceTimeoutSec: 15 },
  ]);
  assert.deepEqual(warnings.map((w) => [w.line, w.field]), [[25, "inputs.events[0].apigw.parameters.endpoints[2].base64EncodedTriggerRules"]]);
  assert.match(warnings[0].problem, /only with isBase64Trigger: true/);
});

test("protocols: https only is served over http with a warning; a wrong environment or rule name is a problem at its line", () => {
  const httpsOnly = writeProject({
    "serverless.yml": scfComponent(`        parameters:
          protocols: [https]
          endpoints:
            - path: /secure
              method: GET
`),
    "index.js": SCF_NODE_HANDLER,
  });
  const { warnings, project } = load(httpsOnly);
  assert.equal(project.functions.length, 1, "still served");
  assert.deepEqual(warnings.map((w) => [w.line, w.field]), [[11, "inputs.events[0].apigw.parameters.protocols"]]);
  assert.match(warnings[0].problem, /only https: the local gateway serves plain HTTP/);

  const wrong = writeProject({
    "serverless.yml": scfComponent(`        parameters:
          environment: production
          endpoints:
            - path: /x
              method: GET
              isBase64Trigger: true
              base64EncodedTriggerRules:
                - name: Host
                  value: [a]
`),
    "index.js": SCF_NODE_HANDLER,
  });
  const { problems } = load(wrong);
  assert.deepEqual(problems.map(where).map((p) => p.line), [11]);
  assert.match(problems[0].problem, /expected one of release, prepub, test/);
});

test("multi-scf: apis[] read the same settings; the service id may be written `id`", () => {
  const root = writeProject({
    "serverless.yml": `component: multi-scf
name: shop
inputs:
  src: ./
  runtime: Nodejs18.15
  functions:
    index:
      handler: index.main_handler
  triggers:
    - type: apigw
      parameters:
        name: serverless
        id: service-xxx
        environment: prepub
        apis:
          - path: /
            method: GET
            function:
              name: index
              isIntegratedResponse: true
            serviceTimeout: 5
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const [route] = routes(root);
  assert.equal(route.integratedResponse, true);
  assert.deepEqual(route.api, { id: "service-xxx", kind: "scf", stage: "prepub", stageVariables: { stage: "prepub" } });
  assert.deepEqual(route.scfGateway, { serviceTimeoutSec: 5 });
});

test("provider: tencent and TCSAM: stageName / StageName is the stage; integrated response off unless set", () => {
  const framework = writeProject({
    "serverless.yml": `service: shop
provider:
  name: tencent
  runtime: Nodejs10.15
functions:
  hello:
    handler: index.main_handler
    events:
      - apigw:
          name: api
          parameters:
            stageName: prepub
            serviceId: service-123
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const [fromFramework] = routes(framework);
  assert.equal(fromFramework.integratedResponse, false);
  assert.deepEqual(fromFramework.api, { id: "service-123", kind: "scf", stage: "prepub", stageVariables: { stage: "prepub" } });
  assert.equal(fromFramework.scfGateway, undefined, "the plugin sends no service timeout");

  const template = writeProject({
    "template.yaml": `Resources:
  default:
    Type: TencentCloud::Serverless::Namespace
    api:
      Type: TencentCloud::Serverless::Function
      Properties:
        Runtime: Nodejs18.15
        Handler: index.main_handler
        Events:
          Web:
            Type: APIGW
            Properties: { StageName: test, HttpMethod: GET }
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const [fromTemplate] = routes(template);
  assert.equal(fromTemplate.integratedResponse, false);
  assert.deepEqual(fromTemplate.api, { id: "Web", kind: "scf", stage: "test", stageVariables: { stage: "test" } });
});
