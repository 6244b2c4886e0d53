// Function URLs as the three manifests declare them: SAM FunctionUrlConfig (and Globals),
// serverless.yml `url`, and a plain AWS::Lambda::Url resource; bad values name file, line and field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { load, NODE_HANDLER, where, writeProject } from "./projectFiles";

function sam(lines: string[]): string {
  return writeProject({ "template.yaml": [...lines, ""].join("\n"), "src/app.js": NODE_HANDLER });
}

const HEADER = ["AWSTemplateFormatVersion: '2010-09-09'", "Transform: AWS::Serverless-2016-10-31", "Resources:"];

test("SAM FunctionUrlConfig: AuthType, InvokeMode and every Cors setting become the function's url trigger", () => {
  const root = sam([
    ...HEADER,
    "  Open:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      CodeUri: src/",
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "      FunctionUrlConfig:",
    "        AuthType: NONE",
    "        InvokeMode: RESPONSE_STREAM",
    "        Cors:",
    "          AllowOrigins: [https://app.example.com]",
    "          AllowMethods: [get, POST]",
    "          AllowHeaders: [content-type]",
    "          ExposeHeaders: [x-total]",
    "          MaxAge: 600",
    "          AllowCredentials: true",
    "  Signed:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      CodeUri: src/",
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "      FunctionUrlConfig:",
    "        AuthType: AWS_IAM",
  ]);
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  const byName = Object.fromEntries(project.functions.map((f) => [f.name, f.triggers]));
  assert.deepEqual(byName.Open, [{
    kind: "url", name: "FunctionUrlConfig", authType: "NONE", invokeMode: "RESPONSE_STREAM",
    cors: { allowOrigins: ["https://app.example.com"], allowMethods: ["GET", "POST"], allowHeaders: ["content-type"], exposeHeaders: ["x-total"], maxAgeSec: 600, allowCredentials: true },
  }]);
  assert.deepEqual(byName.Signed, [{ kind: "url", name: "FunctionUrlConfig", authType: "AWS_IAM", invokeMode: "BUFFERED" }]);
});

test("SAM Globals.Function.FunctionUrlConfig gives every function a URL unless it sets its own", () => {
  const root = sam([
    "AWSTemplateFormatVersion: '2010-09-09'",
    "Transform: AWS::Serverless-2016-10-31",
    "Globals:",
    "  Function:",
    "    FunctionUrlConfig:",
    "      AuthType: AWS_IAM",
    "Resources:",
    "  A:",
    "    Type: AWS::Serverless::Function",
    "    Properties: {CodeUri: src/, Handler: app.handler, Runtime: nodejs20.x}",
    "  B:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      CodeUri: src/",
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "      FunctionUrlConfig: {AuthType: NONE}",
  ]);
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions.map((f) => [f.name, f.triggers.map((t) => (t.kind === "url" ? t.authType : t.kind))]), [["A", ["AWS_IAM"]], ["B", ["NONE"]]]);
});

test("bad FunctionUrlConfig values are problems naming file, line and field; the function still loads without a URL", () => {
  const root = sam([
    ...HEADER,
    "  NoAuth:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      CodeUri: src/",
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "      FunctionUrlConfig:",
    "        InvokeMode: BUFFERED",
    "  BadMode:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      CodeUri: src/",
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "      FunctionUrlConfig:",
    "        AuthType: IAM",
    "  BadCors:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      CodeUri: src/",
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "      FunctionUrlConfig:",
    "        AuthType: NONE",
    "        Cors:",
    "          AllowMethods: [GET, OPTIONS]",
    "          MaxAge: 100000",
    "  Credentials:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      CodeUri: src/",
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "      FunctionUrlConfig:",
    "        AuthType: NONE",
    "        Cors: {AllowOrigins: ['*'], AllowCredentials: true}",
  ]);
  const { project, problems } = load(root);
  const file = join(root, "template.yaml");
  assert.deepEqual(problems.map(where), [
    { file, line: 10, field: "Resources.NoAuth.Properties.FunctionUrlConfig.AuthType" },
    { file, line: 19, field: "Resources.BadMode.Properties.FunctionUrlConfig.AuthType" },
    { file, line: 29, field: "Resources.BadCors.Properties.FunctionUrlConfig.Cors.AllowMethods[1]" },
    { file, line: 39, field: "Resources.Credentials.Properties.FunctionUrlConfig.Cors.AllowCredentials" },
  ]);
  assert.match(problems[0].message, /missing; expected AWS_IAM or NONE/);
  assert.match(problems[1].message, /got "IAM"; expected the URL's auth type: AWS_IAM or NONE/);
  assert.match(problems[2].message, /got "OPTIONS"; expected one of GET, PUT, HEAD, POST, PATCH, DELETE, \*/);
  assert.match(problems[3].message, /AllowCredentials: true cannot be combined with the origin '\*'/);
  assert.deepEqual(project.functions.map((f) => [f.name, f.triggers]), [["NoAuth", []], ["BadMode", []], ["BadCors", []], ["Credentials", []]]);
});

test("a MaxAge over a day is refused at its line", () => {
  const root = sam([
    ...HEADER,
    "  Fn:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      CodeUri: src/",
    "      Handler: app.handler",
    "      Runtime: nodejs20.x",
    "      FunctionUrlConfig:",
    "        AuthType: NONE",
    "        Cors:",
    "          MaxAge: 86401",
  ]);
  const { problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "template.yaml"), line: 13, field: "Resources.Fn.Properties.FunctionUrlConfig.Cors.MaxAge" }]);
  assert.match(problems[0].message, /expected a whole number of seconds from 0 to 86400/);
});

test("a plain AWS::Lambda::Url gives the function it targets a URL", () => {
  const root = sam([
    ...HEADER,
    "  Fn:",
    "    Type: AWS::Serverless::Function",
    "    Properties: {CodeUri: src/, Handler: app.handler, Runtime: nodejs20.x}",
    "  FnUrl:",
    "    Type: AWS::Lambda::Url",
    "    Properties:",
    "      TargetFunctionArn: !GetAtt Fn.Arn",
    "      AuthType: AWS_IAM",
    "      Cors: {AllowOrigins: ['*']}",
  ]);
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(project.functions[0].triggers, [{ kind: "url", name: "FnUrl", authType: "AWS_IAM", invokeMode: "BUFFERED", cors: { allowOrigins: ["*"], allowMethods: [], allowHeaders: [] } }]);
});

test("serverless.yml url: true, aws_iam with cors: true (the framework's defaults), and bad values at their line", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: s",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "functions:",
      "  open:",
      "    handler: handler.hello",
      "    url: true",
      "  signed:",
      "    handler: handler.hello",
      "    url:",
      "      authorizer: aws_iam",
      "      cors: true",
      "      invokeMode: RESPONSE_STREAM",
      "  custom:",
      "    handler: handler.hello",
      "    url:",
      "      cors:",
      "        allowedOrigins: [https://a.example]",
      "        exposedResponseHeaders: [x-id]",
      "        maxAge: 60",
      "  bad:",
      "    handler: handler.hello",
      "    url:",
      "      authorizer: cognito",
      "",
    ].join("\n"),
    "handler.js": "exports.hello = async () => 'ok';\n",
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "serverless.yml"), line: 25, field: "functions.bad.url.authorizer" }]);
  assert.match(problems[0].message, /expected aws_iam \(or no authorizer: a public URL\)/);
  const urls = Object.fromEntries(project.functions.map((f) => [f.name, f.triggers.find((t) => t.kind === "url")]));
  assert.deepEqual(urls.open, { kind: "url", name: "url", authType: "NONE", invokeMode: "BUFFERED" });
  assert.deepEqual(urls.signed, {
    kind: "url", name: "url", authType: "AWS_IAM", invokeMode: "RESPONSE_STREAM",
    cors: { allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token"] },
  });
  assert.deepEqual(urls.custom, {
    kind: "url", name: "url", authType: "NONE", invokeMode: "BUFFERED",
    cors: { allowOrigins: ["https://a.example"], allowMethods: ["*"], allowHeaders: ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token"], exposeHeaders: ["x-id"], maxAgeSec: 60 },
  });
  assert.equal(urls.bad, undefined);
});
