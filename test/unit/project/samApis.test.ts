import { test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

const API_FIXTURE = resolve(__dirname, "..", "..", "fixtures", "api-resources");
const SAM_HEADER = "Transform: AWS::Serverless-2016-10-31\nResources:\n";
const FUNCTION = `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
`;

test("each Api / HttpApi event carries its API: the resource it names, or SAM's implicit ServerlessRestApi (Prod) / ServerlessHttpApi ($default)", () => {
  const { project, problems, warnings } = load(API_FIXTURE);
  assert.deepEqual(problems, []);
  const routes = project.functions[0].triggers.flatMap((t) => (t.kind === "http" ? [[t.name ?? `${t.method} ${t.path}`, t.api?.id, t.api?.stage, t.payload]] : []));
  assert.deepEqual(routes, [
    ["Orders", "ShopApi", "dev", "aws-v1"],
    ["ImplicitOrders", "ServerlessRestApi", "Prod", "aws-v1"],
    ["HttpOrders", "ShopHttpApi", "v2", "aws-v2"],
    ["DefaultHttpOrders", "ServerlessHttpApi", "$default", "aws-v2"],
    // Only in DocumentedApi's OpenAPI body.
    ["GET /orders/{id}", "DocumentedApi", "docs", "aws-v1"],
    ["ANY /{proxy+}", "DocumentedApi", "docs", "aws-v1"],
  ]);
  const byId = new Map(project.functions[0].triggers.flatMap((t) => (t.kind === "http" && t.api ? [[t.api.id, t.api]] : [])));
  assert.deepEqual(byId.get("ShopApi"), {
    id: "ShopApi", kind: "rest", stage: "dev", stageVariables: { TABLE: "orders-dev" },
    cors: { allowOrigins: ["https://shop.example.com"], allowMethods: [], allowHeaders: [] },
    // Globals.Api, with SAM's ~1 for a slash.
    binaryMediaTypes: ["image/png"],
  });
  assert.deepEqual(byId.get("ShopHttpApi"), {
    id: "ShopHttpApi", kind: "http", stage: "v2", stageVariables: { MODE: "beta" },
    cors: { allowOrigins: ["https://shop.example.com"], allowMethods: ["GET"], allowHeaders: [], maxAgeSec: 600 },
  });
  assert.deepEqual(byId.get("DocumentedApi")?.binaryMediaTypes, ["image/png", "application/octet-stream"], "x-amazon-apigateway-binary-media-types adds to BinaryMediaTypes");
  assert.deepEqual(project.unservedRoutes?.map((u) => [u.route.method, u.route.path, u.route.api?.id, u.source.line]), [["GET", "/status", "DocumentedApi", 60]]);
  assert.match(project.unservedRoutes![0].reason, /^a mock integration/);
  assert.deepEqual(warnings.map((w) => [w.line, w.field]), [
    [25, "Resources.ShopApi.Properties.TracingEnabled"],
    [60, "Resources.DocumentedApi.Properties.DefinitionBody.paths./status.get.x-amazon-apigateway-integration"],
  ]);
  assert.match(warnings[0].problem, /no X-Ray traces/);
});

test("CORS as written: a REST Cors map of quoted header values, HTTP CorsConfiguration true", () => {
  const root = writeProject({
    "template.yaml": `${SAM_HEADER}  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors:
        AllowOrigin: "'https://a.example'"
        AllowMethods: "'GET, POST'"
        AllowHeaders: "'Content-Type,X-Api-Key'"
        MaxAge: "'300'"
        AllowCredentials: true
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: true
${FUNCTION}      Events:
        A: { Type: Api, Properties: { RestApiId: !Ref Rest, Path: /a, Method: get } }
        B: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /b, Method: get } }
`,
    "index.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  const [a, b] = project.functions[0].triggers.map((t) => (t.kind === "http" ? t.api : undefined));
  assert.deepEqual(a?.cors, { allowOrigins: ["https://a.example"], allowMethods: ["GET", "POST"], allowHeaders: ["Content-Type", "X-Api-Key"], maxAgeSec: 300, allowCredentials: true });
  assert.deepEqual(b?.cors, { allowOrigins: ["*"], allowMethods: [], allowHeaders: [] });
  assert.equal(b?.stage, "$default");
});

test("mistakes are errors at their line: an event naming an API that is not there or of the other kind, a REST API without StageName, an S3 DefinitionUri", () => {
  const root = writeProject({
    "template.yaml": `${SAM_HEADER}  NoStage:
    Type: AWS::Serverless::Api
    Properties:
      Cors: "*"
  Remote:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      DefinitionUri: s3://bucket/api.yaml
${FUNCTION}      Events:
        Missing: { Type: Api, Properties: { RestApiId: !Ref Nope, Path: /a, Method: get } }
        Wrong: { Type: HttpApi, Properties: { ApiId: !Ref Remote, Path: /b, Method: get } }
        Broken: { Type: Api, Properties: { RestApiId: !Ref NoStage, Path: /c, Method: get } }
`,
    "index.js": NODE_HANDLER,
  });
  const file = join(root, "template.yaml");
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [
    // A missing field is put at its parent's line, where it has to be added.
    { file, line: 5, field: "Resources.NoStage.Properties.StageName" },
    { file, line: 11, field: "Resources.Remote.Properties.DefinitionUri" },
    { file, line: 18, field: "Resources.Fn.Properties.Events.Missing.Properties.RestApiId" },
    { file, line: 19, field: "Resources.Fn.Properties.Events.Wrong.Properties.ApiId" },
  ]);
  assert.match(problems[0].problem, /StageName is required/);
  assert.match(problems[1].problem, /remote location/);
  assert.match(problems[2].problem, /names "Nope", which is not an AWS::Serverless::Api of this template/);
  // The event of the broken API is left out quietly (its problem is reported at the API); the function loads.
  assert.deepEqual(project.functions[0].triggers, []);
});

test("an HTTP API's OpenAPI file (DefinitionUri): function ARNs and !GetAtt, payloadFormatVersion, $default, an HTTP proxy listed as unserved", () => {
  const root = writeProject({
    "template.yaml": `${SAM_HEADER}  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionUri: api/openapi.yaml
${FUNCTION}      FunctionName: shop-fn
`,
    "api/openapi.yaml": `openapi: 3.0.1
info: { title: shop, version: "1" }
paths:
  /by-arn:
    post:
      x-amazon-apigateway-integration:
        type: AWS_PROXY
        uri: arn:aws:lambda:us-east-1:123456789012:function:shop-fn:live
        payloadFormatVersion: "1.0"
  /elsewhere:
    get:
      x-amazon-apigateway-integration:
        type: HTTP_PROXY
        httpMethod: GET
        uri: https://example.com/elsewhere
  $default:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        type: aws_proxy
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:shop-fn/invocations
        payloadFormatVersion: "2.0"
`,
    "index.js": NODE_HANDLER,
  });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    project.functions[0].triggers.map((t) => (t.kind === "http" ? [t.method, t.path, t.payload, t.catchAll ?? false, t.api?.id] : [])),
    [
      ["POST", "/by-arn", "aws-v1", false, "Http"],
      ["ANY", "/{proxy+}", "aws-v2", true, "Http"],
    ],
  );
  assert.deepEqual(project.unservedRoutes?.map((u) => [u.route.method, u.route.path, u.source.file.endsWith("openapi.yaml"), u.source.line]), [["GET", "/elsewhere", true, 12]]);
  assert.match(project.unservedRoutes![0].reason, /http_proxy integration forwarding to https:\/\/example.com\/elsewhere/);
  assert.equal(warnings.length, 1);
});

test("a REST Cors value must be in single quotes, as SAM passes it to API Gateway as a literal header value", () => {
  const root = writeProject({
    "template.yaml": `${SAM_HEADER}  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors: "*"
${FUNCTION}`,
    "index.js": NODE_HANDLER,
  });
  const { problems } = load(root);
  assert.deepEqual(problems.map((p) => [p.line, p.field]), [[7, "Resources.Rest.Properties.Cors"]]);
  assert.match(problems[0].problem, /expected a value in single quotes/);
});
