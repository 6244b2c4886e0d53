// SAM `Auth` of Api / HttpApi resources and events, read onto the routes' `auth`, or refused /
// warned at FILE:LINE (emulator/project/samApiAuth.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { HttpRoute } from "../../../emulator/protocol";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

function loadTemplate(template: string, env: Record<string, string> = {}) {
  const root = writeProject({ "template.yaml": `Transform: AWS::Serverless-2016-10-31\n${template}`, "src/index.js": NODE_HANDLER });
  return { root, file: join(root, "template.yaml"), ...load(root, env) };
}

function routes(project: { functions: Array<{ name: string; triggers: Array<{ kind: string }> }> }, fn: string): Record<string, HttpRoute> {
  const spec = project.functions.find((f) => f.name === fn)!;
  return Object.fromEntries(spec.triggers.filter((t): t is HttpRoute => t.kind === "http").map((r) => [r.name!, r]));
}

const FN = (name: string) => `  ${name}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
`;

const REST_TEMPLATE = `Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        DefaultAuthorizer: TokenAuth
        ApiKeyRequired: true
        UsagePlan:
          CreateUsagePlan: PER_API
        Authorizers:
          TokenAuth:
            FunctionArn: !GetAtt AuthFn.Arn
            Identity:
              Header: X-Token
              ValidationExpression: "tok-.*"
          RequestAuth:
            FunctionPayloadType: REQUEST
            FunctionArn: !GetAtt AuthFn.Arn
            Identity:
              Headers: [X-User]
              QueryStrings: [tenant]
              ReauthorizeEvery: 0
          Pool:
            UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Abc
${FN("AuthFn")}${FN("Handler")}      Events:
        Default:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /a, Method: GET }
        Request:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /b, Method: GET, Auth: { Authorizer: RequestAuth, ApiKeyRequired: false } }
        Open:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /c, Method: GET, Auth: { Authorizer: NONE, ApiKeyRequired: false } }
        Cognito:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /d, Method: GET, Auth: { Authorizer: Pool, AuthorizationScopes: [read] } }
`;

test("REST: DefaultAuthorizer, per-event Authorizer (NONE too), TOKEN/REQUEST identities and TTLs, Cognito issuer, ApiKeyRequired", () => {
  const { project, problems, warnings } = loadTemplate(REST_TEMPLATE, { FAASBOX_API_KEYS: "k1", FAASBOX_JWKS: "/keys.json" });
  assert.deepEqual(problems.map((p) => p.message), []);
  const r = routes(project, "Handler");
  assert.deepEqual(r.Default.auth, {
    apiKind: "rest", region: "us-east-1", apiKeyRequired: true,
    authorizer: { kind: "lambda", name: "TokenAuth", function: "AuthFn", type: "TOKEN", ttlSec: 300, identitySources: [{ from: "header", name: "X-Token" }], validationExpression: "tok-.*" },
  });
  assert.deepEqual(r.Request.auth?.authorizer, {
    kind: "lambda", name: "RequestAuth", function: "AuthFn", type: "REQUEST", ttlSec: 0,
    identitySources: [{ from: "header", name: "X-User" }, { from: "query", name: "tenant" }],
  });
  assert.equal(r.Request.auth?.apiKeyRequired, false);
  assert.equal(r.Open.auth, undefined, "NONE and no key: nothing to check");
  assert.deepEqual(r.Cognito.auth?.authorizer, { kind: "jwt", name: "Pool", cognito: true, issuers: ["https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc"], identitySource: { from: "header", name: "Authorization" } });
  assert.deepEqual(r.Cognito.auth?.scopes, ["read"]);
  // The usage plan is not emulated: said once, at its line.
  assert.deepEqual(warnings.map((w) => [w.line, w.field]), [[10, "Resources.Api.Properties.Auth.UsagePlan"]]);
});

test("REST: no local keys or JWKS is said at the line, once however many events use it", () => {
  const { warnings } = loadTemplate(REST_TEMPLATE);
  const messages = warnings.map((w) => `${w.line} ${w.problem}`);
  assert.ok(messages.some((m) => m.startsWith("9 no API keys are set locally") && m.includes("FAASBOX_API_KEYS")), messages.join("\n"));
  assert.equal(messages.filter((m) => m.includes("signatures are NOT verified")).length, 1, messages.join("\n"));
  assert.ok(messages.some((m) => m.startsWith("25 token signatures are NOT verified") && m.includes("FAASBOX_JWKS")), messages.join("\n"));
});

test("HTTP API: JWT (OAuth2) and Lambda authorizers with payload 1.0/2.0 and simple responses; Globals.HttpApi for the implicit API", () => {
  const { project, problems } = loadTemplate(`Globals:
  HttpApi:
    Auth:
      DefaultAuthorizer: Jwt
      Authorizers:
        Jwt:
          IdentitySource: $request.header.Authorization
          JwtConfiguration:
            issuer: https://issuer.example
            audience: [client-1]
        Simple:
          FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:AuthFn
          AuthorizerPayloadFormatVersion: 2.0
          EnableSimpleResponses: true
          Identity: { Headers: [Authorization], ReauthorizeEvery: 60 }
Resources:
${FN("AuthFn")}${FN("Handler")}      Events:
        Jwt:
          Type: HttpApi
          Properties: { Path: /j, Method: GET, Auth: { AuthorizationScopes: [email] } }
        Lambda:
          Type: HttpApi
          Properties: { Path: /l, Method: GET, Auth: { Authorizer: Simple } }
        Open:
          Type: HttpApi
          Properties: { Path: /o, Method: GET, Auth: { Authorizer: NONE } }
`, { FAASBOX_JWKS: "/keys.json" });
  assert.deepEqual(problems.map((p) => p.message), []);
  const r = routes(project, "Handler");
  assert.deepEqual(r.Jwt.auth, {
    apiKind: "http", region: "us-east-1", scopes: ["email"],
    authorizer: { kind: "jwt", name: "Jwt", cognito: false, issuers: ["https://issuer.example"], audiences: ["client-1"], identitySource: { from: "header", name: "Authorization" } },
  });
  assert.deepEqual(r.Lambda.auth?.authorizer, { kind: "lambda", name: "Simple", function: "AuthFn", type: "REQUEST", payloadVersion: "2.0", simpleResponses: true, ttlSec: 60, identitySources: [{ from: "header", name: "Authorization" }] });
  assert.equal(r.Open.auth, undefined);
});

test("an authorizer the API does not have, or a function that is not in the template, is refused at its line", () => {
  const { problems, file } = loadTemplate(`Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        Authorizers:
          Remote:
            FunctionArn: !ImportValue other-stack-authorizer
${FN("Handler")}      Events:
        Missing:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /a, Method: GET, Auth: { Authorizer: Typo } }
        Remote:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /b, Method: GET, Auth: { Authorizer: Remote } }
`);
  assert.deepEqual(problems.map(where), [
    { file, line: 20, field: "Resources.Handler.Properties.Events.Missing.Properties.Auth.Authorizer" },
    { file, line: 10, field: "Resources.Api.Properties.Auth.Authorizers.Remote.FunctionArn" },
  ]);
  assert.match(problems[0].problem, /"Typo" is not an authorizer of Api; expected NONE or one of: Remote/);
  assert.match(problems[1].problem, /not a function of this template/);
});
