import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readRequirements } from "../../../emulator/project/requirementsFile";
import { load, writeProject } from "./projectFiles";

const nodeFunction = (runtime = "nodejs20.x", extra = "") => `functions:\n  api:\n    runtime: ${runtime}\n    handler: src/index.handler\n    codeUri: ./fn\n${extra}`;
const pythonFunction = (runtime = "python3.11") => `functions:\n  py:\n    runtime: ${runtime}\n    handler: app.handler\n    codeUri: ./py\n`;

function dependencyWarnings(root: string): string[] {
  return load(root).warnings.map((w) => w.message).filter((m) => m.includes("not installed"));
}

test("a Node function's package.json dependencies not installed are named, at their line, with the commands that install them", () => {
  const root = writeProject({
    "faasbox.yml": nodeFunction(),
    "fn/package.json": '{\n  "name": "api",\n  "dependencies": {\n    "ms": "^2.1.3",\n    "@scope/lib": "1.0.0",\n    "present": "1.0.0"\n  }\n}\n',
    "fn/src/index.js": "exports.handler = async () => require('ms')('1s');\n",
    // Found from the handler's folder up to the code folder, as Node resolves it.
    "fn/node_modules/present/package.json": '{"name":"present"}',
  });
  const { warnings } = load(root);
  const warning = warnings.find((w) => w.message.includes("not installed"));
  assert.ok(warning, JSON.stringify(warnings.map((w) => w.message)));
  assert.deepEqual([warning.file, warning.line, warning.field], [join(root, "fn", "package.json"), 4, "dependencies"]);
  assert.match(warning.problem, /api: dependencies not installed: ms, @scope\/lib; /);
  assert.match(warning.problem, /Run: faasbox build api .*or: cd .*fn && npm install --omit=dev/);
});

test("installed packages, a layer's nodejs/node_modules and the runtime's bundled AWS SDK count as provided", () => {
  const root = writeProject({
    "template.yaml": [
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  Deps:",
      "    Type: AWS::Serverless::LayerVersion",
      "    Properties: { ContentUri: ./layer }",
      "  Api:",
      "    Type: AWS::Serverless::Function",
      "    Properties: { Runtime: nodejs18.x, Handler: index.handler, CodeUri: ./fn, Layers: [!Ref Deps] }",
    ].join("\n"),
    "fn/package.json": JSON.stringify({ dependencies: { "@aws-sdk/client-s3": "3", "in-layer": "1", "in-version-folder": "1", local: "1" } }),
    "fn/package-lock.json": "{}",
    "fn/index.js": "exports.handler = async () => 1;\n",
    "fn/node_modules/local/package.json": "{}",
    "layer/nodejs/node_modules/in-layer/package.json": "{}",
    "layer/nodejs/node18/node_modules/in-version-folder/package.json": "{}",
  });
  assert.deepEqual(dependencyWarnings(root), []);
});

test("aws-sdk (v2) is provided on nodejs16.x only: on nodejs20.x it must be installed", () => {
  const files = (runtime: string) => ({ "faasbox.yml": nodeFunction(runtime), "fn/package.json": '{"dependencies":{"aws-sdk":"2"}}', "fn/src/index.js": "exports.handler = async () => 1;\n" });
  assert.deepEqual(dependencyWarnings(writeProject(files("nodejs16.x"))), []);
  const [warning] = dependencyWarnings(writeProject(files("nodejs20.x")));
  assert.match(warning, /dependency not installed: aws-sdk;/);
});

test("a Python function's requirements.txt entries not installed in its code folder are named at the first one's line", () => {
  const root = writeProject({
    "faasbox.yml": pythonFunction(),
    "py/app.py": "import tinyjson\ndef handler(event, context):\n    return 1\n",
    "py/requirements.txt": "# pinned\n\nboto3==1.34  # provided by Lambda's runtime\nTiny_JSON[fast]>=1.0 ; python_version >= '3.8'\nalready-here\nvendored-pkg\n",
    "py/already_here-2.0.dist-info/METADATA": "Name: already-here\n",
    "py/vendored_pkg/__init__.py": "",
  });
  const { warnings } = load(root);
  const warning = warnings.find((w) => w.message.includes("not installed"));
  assert.ok(warning);
  assert.deepEqual([warning.file, warning.line, warning.field], [join(root, "py", "requirements.txt"), 4, "requirements"]);
  assert.match(warning.problem, /py: dependency not installed: Tiny_JSON; .*faasbox build py .*or: pip install -r .*requirements\.txt --target /);
});

test("requirements files: -r includes relative to the including file, continuations, options and unnamed lines", () => {
  const root = writeProject({
    "requirements.txt": "-r base/common.txt\n--index-url https://example.invalid/simple\n-c constraints.txt\n-e .\n./wheels/local.whl\nflask \\\n  >=3.0\nmy.pkg @ https://example.invalid/my.pkg.tar.gz\n--requirement=missing.txt\n",
    "base/common.txt": "requests[socks]~=2.31\n-r ../requirements.txt\n",
  });
  const { requirements, problems } = readRequirements(join(root, "requirements.txt"));
  assert.deepEqual(
    requirements.map((r) => [r.name, r.file.slice(root.length + 1), r.line]),
    [["requests", "base/common.txt", 1], ["flask", "requirements.txt", 6], ["my.pkg", "requirements.txt", 8]],
  );
  assert.deepEqual(problems.map((p) => [p.file.slice(root.length + 1), p.line]), [["requirements.txt", 9]]);
  assert.match(problems[0].message, /includes missing\.txt, which cannot be read; expected a requirements file at /);
});

test("a function whose dependencies are all installed, or that has no dependency manifest, gets no warning", () => {
  const root = writeProject({
    "faasbox.yml": `${pythonFunction()}  other:\n    runtime: nodejs20.x\n    handler: index.handler\n    codeUri: ./other\n`,
    "py/app.py": "def handler(event, context):\n    return 1\n",
    "py/requirements.txt": "ms-py\n",
    "py/ms_py-1.0.dist-info/RECORD": "",
    "other/index.js": "exports.handler = async () => 1;\n",
  });
  assert.deepEqual(dependencyWarnings(root), []);
});
