import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "../../../emulator/project/loadProject";
import { NODE_HANDLER, where, writeProject } from "./projectFiles";

// Shaped like the examples of the CloudFormation user guide's Mappings and Conditions pages.
const TEMPLATE = [
  "Transform: AWS::Serverless-2016-10-31", // 1
  "Parameters:",
  "  EnvType:",
  "    Type: String",
  "    Default: test",
  "Mappings:",
  "  RegionMap:",
  "    us-east-1:",
  "      Memory: 256",
  "    eu-west-1:",
  "      Memory: 512",
  "Conditions:",
  "  IsProd: !Equals [!Ref EnvType, prod]",
  "  IsTest: !Not [!Condition IsProd]",
  "  IsTestInEurope: !And [!Condition IsTest, !Or [!Equals [!Ref 'AWS::Region', eu-west-1], !Equals [a, b]]]",
  "Resources:",
  "  Worker:",
  "    Type: AWS::Serverless::Function",
  "    Properties:",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "      MemorySize: !FindInMap [RegionMap, !Ref 'AWS::Region', Memory]",
  "      Timeout: !If [IsProd, 30, 5]",
  "      Environment:",
  "        Variables:",
  "          EUROPE: !If [IsTestInEurope, yes-eu, !Ref 'AWS::NoValue']",
  "          MAPPED: !Sub",
  "            - 'mem-${M}'",
  "            - M: !FindInMap [RegionMap, eu-west-1, Memory]",
  "  ProdOnly:", // 30
  "    Type: AWS::Serverless::Function",
  "    Condition: IsProd", // 32
  "    Properties:",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "  BadLookup:", // 36
  "    Type: AWS::Serverless::Function",
  "    Properties:",
  "      Handler: index.handler",
  "      Runtime: nodejs20.x",
  "      MemorySize: !FindInMap [RegionMap, ap-south-1, Memory]", // 41
  "",
].join("\n");

function loadIn(region: string, parameters: Record<string, string> = {}) {
  const root = writeProject({ "template.yaml": TEMPLATE, "index.js": NODE_HANDLER });
  return { root, ...loadProject(root, { env: { AWS_REGION: region }, sam: { parameters } }) };
}

test("FindInMap keyed by the region, If on conditions, and AWS::NoValue dropping a variable", () => {
  const { project, root, problems } = loadIn("us-east-1");
  const worker = project.functions.find((f) => f.name === "Worker");
  assert.ok(worker);
  assert.equal(worker.memoryMb, 256);
  assert.equal(worker.timeoutSec, 5);
  assert.deepEqual(worker.environment, { MAPPED: "mem-512" });
  // A lookup that finds nothing leaves that function out, naming the field.
  assert.deepEqual(problems.map(where), [{ file: join(root, "template.yaml"), line: 41, field: "Resources.BadLookup.Properties.MemorySize" }]);
  assert.match(problems[0].problem, /finds nothing in the template's Mappings/);

  const europe = loadIn("eu-west-1").project.functions.find((f) => f.name === "Worker");
  assert.equal(europe?.memoryMb, 512);
  assert.equal(europe?.environment.EUROPE, "yes-eu");
});

test("a function whose Condition is false is not loaded, and that is said at the Condition", () => {
  const test = loadIn("us-east-1");
  assert.ok(!test.project.functions.some((f) => f.name === "ProdOnly"));
  const [warning] = test.warnings;
  assert.deepEqual(where(warning), { file: join(test.root, "template.yaml"), line: 32, field: "Resources.ProdOnly.Condition" });
  assert.match(warning.problem, /condition IsProd is false with these parameter values, so ProdOnly is not created in the cloud and is not loaded here/);

  const prod = loadIn("us-east-1", { EnvType: "prod" });
  const names = prod.project.functions.map((f) => f.name);
  assert.deepEqual(names, ["Worker", "ProdOnly"]);
  assert.equal(prod.project.functions[0].timeoutSec, 30);
  assert.deepEqual(prod.warnings, []);
});
