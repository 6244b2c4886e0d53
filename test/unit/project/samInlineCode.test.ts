import { test } from "node:test";
import assert from "node:assert/strict";
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yazl from "yazl";
import { unpackCode } from "../../../emulator/core/runtime/codeArchive";
import { isIgnoredPath } from "../../../emulator/project/watchScope";
import { load, NODE_HANDLER, PYTHON_HANDLER, where, writeProject } from "./projectFiles";

const NODE_SOURCE = "exports.handler = async () => ({ inline: true });";

function inlineTemplate(nodeSource: string): string {
  return [
    "Transform: AWS::Serverless-2016-10-31",
    "Resources:",
    "  NodeInline:",
    "    Type: AWS::Serverless::Function",
    "    Properties:",
    "      Runtime: nodejs20.x",
    "      Handler: index.handler",
    `      InlineCode: ${JSON.stringify(nodeSource)}`,
    "  PyZipFile:",
    "    Type: AWS::Lambda::Function",
    "    Properties:",
    "      Runtime: python3.12",
    "      Handler: index.handler",
    "      MemorySize: 256",
    "      Timeout: 20",
    "      Environment:",
    "        Variables:",
    "          MODE: plain",
    "      Code:",
    "        ZipFile: |",
    "          def handler(event, context):",
    "              return 'zipfile'",
    "",
  ].join("\n");
}

test("InlineCode and Code.ZipFile are written once as index.js / index.py under .faasbox/, which the watcher leaves out", () => {
  const root = writeProject({ "template.yaml": inlineTemplate(NODE_SOURCE) });
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  const [node, python] = project.functions;
  assert.ok(node.codeDir.startsWith(join(root, ".faasbox", "inline")));
  assert.equal(readFileSync(join(node.codeDir, "index.js"), "utf8"), NODE_SOURCE);
  assert.equal(readFileSync(join(python.codeDir, "index.py"), "utf8"), "def handler(event, context):\n    return 'zipfile'\n");
  assert.deepEqual(
    { name: python.name, runtime: python.runtime, memoryMb: python.memoryMb, timeoutSec: python.timeoutSec, environment: python.environment },
    { name: "PyZipFile", runtime: "python3.12", memoryMb: 256, timeoutSec: 20, environment: { MODE: "plain" } },
  );
  assert.equal(isIgnoredPath(project, join(node.codeDir, "index.js")), true);

  const again = load(root);
  assert.equal(again.project.functions[0].codeDir, node.codeDir, "the same source is the same folder: written once");
});

test("a changed inline source is a new folder (so the function restarts) and the old one is removed", () => {
  const root = writeProject({ "template.yaml": inlineTemplate(NODE_SOURCE) });
  const before = load(root).project.functions[0].codeDir;
  writeFileSync(join(root, "template.yaml"), inlineTemplate("exports.handler = async () => 'v2';"));
  const after = load(root).project.functions[0].codeDir;
  assert.notEqual(after, before);
  assert.equal(existsSync(before), false);
  assert.equal(readFileSync(join(after, "index.js"), "utf8"), "exports.handler = async () => 'v2';");
  assert.equal(readdirSync(join(root, ".faasbox", "inline")).length, 2, "one folder per function");
});

test("AWS::Lambda::Function with a local Code path loads; S3 code and inline code on other runtimes are errors saying what to give", () => {
  const root = writeProject({
    "src/app.js": NODE_HANDLER,
    "template.yaml": [
      "Resources:", // 1
      "  Local:",
      "    Type: AWS::Lambda::Function",
      "    Properties:",
      "      Runtime: nodejs20.x",
      "      Handler: app.handler",
      "      Code: src/",
      "  InS3:", // 8
      "    Type: AWS::Lambda::Function",
      "    Properties:",
      "      Runtime: nodejs20.x",
      "      Handler: app.handler",
      "      Code:", // 13
      "        S3Bucket: artifacts",
      "        S3Key: fn.zip",
      "  Custom:", // 16
      "    Type: AWS::Lambda::Function",
      "    Properties:",
      "      Runtime: provided.al2023",
      "      Code:",
      "        ZipFile: echo", // 21
      "",
    ].join("\n"),
  });
  const file = join(root, "template.yaml");
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => [f.name, f.codeDir]), [["Local", join(root, "src")]]);
  assert.deepEqual(problems.map(where), [
    { file, line: 13, field: "Resources.InS3.Properties.Code" },
    { file, line: 21, field: "Resources.Custom.Properties.Code.ZipFile" },
  ]);
  assert.match(problems[0].problem, /^code in S3 cannot run locally; expected a local path to the code's folder \(Code: src\/, as aws cloudformation package takes it\)/);
  assert.match(problems[1].problem, /inline code runs only on Node.js and Python runtimes/);
});

test("a CodeUri naming a zip package is unpacked at the first launch into the project's cache (keyed by its content); one naming another file is the package itself: an error naming a folder to use", async () => {
  const root = writeProject({
    "src/app.py": PYTHON_HANDLER,
    "template.yaml": [
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  Zipped:",
      "    Type: AWS::Serverless::Function",
      "    Properties:",
      "      Runtime: python3.12",
      "      Handler: app.handler",
      "      CodeUri: build/fn.zip", // 8
      "  OneFile:",
      "    Type: AWS::Serverless::Function",
      "    Properties:",
      "      Runtime: python3.12",
      "      Handler: app.handler",
      "      CodeUri: src/app.py", // 14
      "",
    ].join("\n"),
  });
  mkdirSync(join(root, "build"));
  await writeZip(join(root, "build", "fn.zip"), { "app.py": PYTHON_HANDLER });
  const file = join(root, "template.yaml");
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => f.name), ["Zipped"]);
  const [zipped] = project.functions;
  assert.equal(zipped.codeArchive, join(root, "build", "fn.zip"));
  assert.match(zipped.codeDir, new RegExp(`^${join(root, ".faasbox", "zip").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/[0-9a-f]{32}$`));
  assert.deepEqual(problems.map(where), [{ file, line: 14, field: "Resources.OneFile.Properties.CodeUri" }]);
  assert.match(problems[0].problem, /^app\.py is a file: the cloud would take it as the zip package itself.*expected the folder holding the code, such as src\//);

  await unpackCode(zipped.codeArchive!, zipped.codeDir);
  assert.equal(readFileSync(join(zipped.codeDir, "app.py"), "utf8"), PYTHON_HANDLER);
  assert.deepEqual(load(root).problems.map(where), [{ file, line: 14, field: "Resources.OneFile.Properties.CodeUri" }], "once unpacked, its handler is checked and found");

  await writeZip(join(root, "build", "fn.zip"), { "app.py": `${PYTHON_HANDLER}\n# changed\n` });
  const changed = load(root).project.functions[0];
  assert.notEqual(changed.codeDir, zipped.codeDir, "a changed package gets a folder of its own");
});
/** A zip of `files` as yazl writes it. */
function writeZip(path: string, files: Record<string, string>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(path)).on("close", resolve).on("error", reject);
  });
}
