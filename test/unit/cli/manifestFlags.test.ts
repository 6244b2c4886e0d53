import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MANIFEST_FLAGS, parseCommandArgs, parseManifestOptions, UsageError } from "../../../emulator/cli/args";
import { loadProject } from "../../../emulator/project/loadProject";
import { runCli } from "../../helpers/cli";
import { writeProject } from "../project/projectFiles";

test("faasbox start --env-vars FILE reads SAM's file; a bad one is a usage error naming the command and the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-flags-"));
  writeFileSync(join(dir, "env.json"), '{"Parameters": {"TABLE": "t"}, "Fn": {"DEBUG": true}}');
  writeFileSync(join(dir, "bad.json"), "[]");
  const { values } = parseCommandArgs("start", ["--env-vars", join(dir, "env.json")], { ...MANIFEST_FLAGS });
  const options = parseManifestOptions("start", values).sam ?? {};
  assert.deepEqual(options.envVars?.global, { TABLE: "t" });
  assert.deepEqual(options.envVars?.functions, { Fn: { DEBUG: "true" } });
  assert.throws(
    () => parseManifestOptions("invoke", { "env-vars": join(dir, "bad.json") }),
    (error: Error) => error instanceof UsageError && /^faasbox invoke: --env-vars .*bad\.json: not a JSON object/.test(error.message),
  );
});

test("faasbox start -t/--template FILE resolves the file from the current folder and refuses what is not a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-flags-"));
  writeFileSync(join(dir, "template.yml"), "Resources: {}\n");
  const { values } = parseCommandArgs("start", ["-t", join(dir, "template.yml")], { ...MANIFEST_FLAGS });
  assert.equal(parseManifestOptions("start", values).sam?.template, join(dir, "template.yml"));
  assert.throws(() => parseManifestOptions("start", { template: dir }), /faasbox start: --template .*: .* is not a file; expected a SAM template/);
});

test("--stage/-s and --region/-r reach the manifest options; an empty one is a usage error naming the command", () => {
  const { values } = parseCommandArgs("start", ["-s", "prod", "--region", "eu-west-1"], { ...MANIFEST_FLAGS });
  const options = parseManifestOptions("start", values);
  assert.deepEqual([options.stage, options.region], ["prod", "eu-west-1"]);
  assert.throws(
    () => parseManifestOptions("invoke", { stage: "" }),
    (error: Error) => error instanceof UsageError && /^faasbox invoke: --stage needs a name/.test(error.message),
  );
});

test("faasbox invoke FN --stage prod runs with the prod stage's values of a Serverless Framework service, and --region its region", () => {
  const root = writeProject({
    "serverless.yml": [
      "service: shop",
      "custom:",
      "  tables:",
      "    dev: orders-dev",
      "    prod: orders-prod",
      "provider:",
      "  name: aws",
      "  runtime: nodejs20.x",
      "  stage: ${opt:stage, 'dev'}",
      "  environment:",
      "    TABLE: ${self:custom.tables.${sls:stage}}",
      "    WHERE: ${opt:region, 'nowhere'}",
      "functions:",
      "  hello:",
      "    handler: handler.hello",
      "",
    ].join("\n"),
    "handler.js": "exports.hello = async (event, context) => ({ table: process.env.TABLE, where: process.env.WHERE, region: process.env.AWS_REGION });\n",
  });
  const run = (...flags: string[]) => runCli(["invoke", "hello", "--project", root, "--executor", "process", ...flags]);
  const prod = run("--stage", "prod", "--region", "eu-central-1");
  assert.equal(prod.status, 0, prod.stderr);
  assert.deepEqual(JSON.parse(prod.stdout), { table: "orders-prod", where: "eu-central-1", region: "eu-central-1" });
  const dev = run();
  assert.equal(dev.status, 0, dev.stderr);
  assert.deepEqual(JSON.parse(dev.stdout).table, "orders-dev");
});

test("--region is a SAM template's AWS::Region as with sam local, over AWS_REGION; faasbox --help lists both flags", () => {
  const root = writeProject({
    "template.yaml": [
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  Fn:",
      "    Type: AWS::Serverless::Function",
      "    Properties:",
      "      Handler: index.handler",
      "      Runtime: nodejs20.x",
      "      Environment:",
      "        Variables:",
      "          REGION: !Ref AWS::Region",
      "",
    ].join("\n"),
    "index.js": "exports.handler = async () => 'ok';\n",
  });
  const { project, problems } = loadProject(root, { env: { AWS_REGION: "us-west-2" }, region: "ap-southeast-2" });
  assert.deepEqual(problems, []);
  assert.deepEqual([project.functions[0].region, project.functions[0].environment.REGION], ["ap-southeast-2", "ap-southeast-2"]);
  const help = runCli(["--help"]).stdout;
  assert.match(help, /faasbox start \[DIR\].*\[--stage NAME\] \[--region NAME\]/);
  assert.match(help, /faasbox invoke FUNCTION.*\[--stage NAME\] \[--region NAME\]/);
});
