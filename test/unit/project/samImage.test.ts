import { test } from "node:test";
import assert from "node:assert/strict";
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildContextFiles } from "../../../emulator/core/docker/buildContext";
import { load, where, writeProject } from "./projectFiles";

const IMAGE_TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  Built:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      Runtime: nodejs20.x
      ImageUri: built:latest
      ImageConfig:
        EntryPoint: ["/lambda-entrypoint.sh"]
        Command: ["app.handler"]
        WorkingDirectory: /var/task
    Metadata:
      DockerContext: ./image
      Dockerfile: build/Dockerfile.lambda
      DockerTag: v2
      DockerBuildArgs:
        NODE_VERSION: 20
  Prebuilt:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:1
`;

test("PackageType: Image loads: Metadata as sam build reads it, ImageConfig's overrides, ImageUri alone; unused properties told", () => {
  const root = writeProject({ "template.yaml": IMAGE_TEMPLATE, "image/build/Dockerfile.lambda": "FROM scratch\n" });
  const { project, problems, warnings } = load(root);
  assert.deepEqual(problems, []);
  const built = project.functions.find((f) => f.name === "Built")!;
  assert.equal(built.family, "custom");
  assert.equal(built.codeDir, join(root, "image"));
  assert.deepEqual(built.container, {
    build: { context: join(root, "image"), dockerfile: "build/Dockerfile.lambda", buildArgs: { NODE_VERSION: "20" }, tag: "v2" },
    entryPoint: ["/lambda-entrypoint.sh"],
    command: ["app.handler"],
    workingDirectory: "/var/task",
  });
  const prebuilt = project.functions.find((f) => f.name === "Prebuilt")!;
  assert.deepEqual(prebuilt.container, { imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:1", entryPoint: undefined, command: undefined, workingDirectory: undefined });
  const file = join(root, "template.yaml");
  assert.deepEqual(warnings.map(where), [
    { file, line: 7, field: "Resources.Built.Properties.Runtime" },
    { file, line: 8, field: "Resources.Built.Properties.ImageUri" },
  ]);
  assert.match(warnings[0].problem, /not used by an image function/);
  assert.match(warnings[1].problem, /not used locally: the image is built from Metadata/);
});

test("an image function with neither Metadata nor ImageUri, a missing Dockerfile or a relative WorkingDirectory is an error at its line", () => {
  const root = writeProject({
    "template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  Nothing:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
  NoDockerfile:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
    Metadata:
      DockerContext: ./image
      Dockerfile: Dockerfile.missing
  RelativeDir:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: fn:1
      ImageConfig:
        WorkingDirectory: task
  Fine:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: fn:1
`,
    "image/Dockerfile": "FROM scratch\n",
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => f.name), ["Fine"]);
  const file = join(root, "template.yaml");
  assert.deepEqual(problems.map(where), [
    { file, line: 5, field: "Resources.Nothing.Properties.ImageUri" },
    { file, line: 13, field: "Resources.NoDockerfile.Metadata.Dockerfile" },
    { file, line: 20, field: "Resources.RelativeDir.Properties.ImageConfig.WorkingDirectory" },
  ]);
  assert.match(problems[0].problem, /expected Metadata.DockerContext and Metadata.Dockerfile .* or ImageUri/);
  assert.match(problems[1].problem, /Dockerfile.missing does not exist/);
  assert.match(problems[2].problem, /expected an absolute folder inside the image/);
});

test("the build context's fingerprint follows the files sent, not those .dockerignore leaves out, and the build args", () => {
  const root = writeProject({
    "Dockerfile": "FROM scratch\n",
    "app.js": "1",
    "node_modules/x/index.js": "x",
    "sub/node_modules/keep.js": "k",
    "debug.log": "",
    "keep.log": "",
    ".dockerignore": "# comment\nnode_modules\n*.log\n!keep.log\nDockerfile\n",
  });
  const first = buildContextFiles(root, "Dockerfile", {});
  // Anchored at the root as Docker does: sub/node_modules is sent; the Dockerfile always is.
  assert.deepEqual(first.files, [".dockerignore", "Dockerfile", "app.js", "keep.log", "sub/node_modules/keep.js"]);
  writeFileSync(join(root, "debug.log"), "more");
  writeFileSync(join(root, "node_modules/x/index.js"), "changed");
  assert.equal(buildContextFiles(root, "Dockerfile", {}).fingerprint, first.fingerprint);
  assert.notEqual(buildContextFiles(root, "Dockerfile", { A: "1" }).fingerprint, first.fingerprint);
  utimesSync(join(root, "app.js"), new Date(2000, 1, 1), new Date(2000, 1, 1));
  assert.notEqual(buildContextFiles(root, "Dockerfile", {}).fingerprint, first.fingerprint);
});
