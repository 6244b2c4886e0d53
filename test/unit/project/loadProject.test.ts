import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXAMPLES } from "../../helpers/paths";
import { loadProject } from "../../../emulator/project/loadProject";
import { fixture, load, NODE_HANDLER, PYTHON_HANDLER, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

test("the examples folder loads all four functions with their routes", () => {
  const { project, problems } = load(EXAMPLES);
  assert.deepEqual(problems, []);
  assert.equal(project.root, EXAMPLES);
  assert.deepEqual(
    project.functions.map((f) => [f.name, f.triggers.map((t) => (t.kind === "http" ? `${t.method} ${t.path} ${t.payload}` : t.kind))]),
    [
      ["HelloNode", ["GET /sam/hello-node aws-v2"]],
      ["HelloPython", ["GET /sam/hello-python aws-v1"]],
      ["hello-node", ["GET /scf/hello-node scf"]],
      ["hello-python", ["GET /scf/hello-python scf"]],
    ],
  );
  assert.deepEqual(project.manifests, [
    join(EXAMPLES, "sam", "template.yaml"),
    join(EXAMPLES, "scf", "node", "serverless.yml"),
    join(EXAMPLES, "scf", "python", "serverless.yml"),
  ]);
  assert.deepEqual(project.images, {});
});

test("local settings default to FUNCTION_DEFAULTS without a faasbox.yml", () => {
  const fn = load(EXAMPLES).project.functions[0];
  assert.deepEqual([fn.maxConcurrency, fn.queueSize, fn.keepAliveMs, fn.minWarm, fn.image], [10, 100, 300_000, 0, undefined]);
});

test("a relative root is resolved, and all paths in the project are absolute", () => {
  const { project } = loadProject("examples/scf/../sam", { env: {} });
  assert.equal(project.root, join(EXAMPLES, "sam"));
  assert.equal(project.functions[0].codeDir, join(EXAMPLES, "sam", "node"));
});

test("a manifest with a YAML syntax error is reported at its line; the other manifests still load", () => {
  const root = fixture("mixed-broken");
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => f.name), ["good", "SamGood"]);
  assert.deepEqual(problems.map(where), [
    { file: join(root, "broken", "serverless.yml"), line: 5, field: "(syntax)" },
    { file: join(root, "sam", "template.yaml"), line: 14, field: "Resources.SamBad.Properties.Runtime" },
  ]);
  assert.match(problems[0].problem, /; expected valid YAML$/);
  assert.match(problems[1].problem, /^unknown runtime "Java8"; expected one of nodejs16\.x/);
  assert.ok(project.manifests.includes(join(root, "broken", "serverless.yml")), "the broken file is still watched");
});

test("a code folder that does not exist is reported at CodeUri", () => {
  const root = writeProject({
    "template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: functions/fn\n      Handler: index.handler\n      Runtime: nodejs20.x\n",
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions, []);
  assert.deepEqual(problems.map(where), [{ file: join(root, "template.yaml"), line: 6, field: "Resources.Fn.Properties.CodeUri" }]);
  assert.equal(problems[0].problem, `code folder ${join(root, "functions", "fn")} does not exist; expected the folder holding the function's code`);
});

test("a code path that is a file (a zip) is reported as not a folder", () => {
  const root = writeProject({
    "serverless.yml": "component: scf\nname: fn\ninputs:\n  src: ./code.zip\n",
    "code.zip": "PK",
  });
  const [problem] = load(root).problems;
  assert.deepEqual(where(problem), { file: join(root, "serverless.yml"), line: 4, field: "inputs.src" });
  assert.match(problem.problem, /code\.zip is not a folder; expected the folder holding the function's code/);
});

test("a missing handler file is reported at Handler with the files looked for", () => {
  const root = writeProject({
    "template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  NodeFn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: node
      Handler: src/app.handler
      Runtime: nodejs20.x
  PyFn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: py
      Handler: pkg.app.handler
      Runtime: python3.12
  Custom:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: custom
      Runtime: provided.al2
`,
    "node/src/index.js": NODE_HANDLER,
    "py/pkg/other.py": PYTHON_HANDLER,
    "custom/run.sh": "#!/bin/sh\n",
  });
  const file = join(root, "template.yaml");
  const { project, problems } = load(root);
  assert.deepEqual(project.functions, []);
  assert.deepEqual(problems.map(where), [
    { file, line: 7, field: "Resources.NodeFn.Properties.Handler" },
    { file, line: 13, field: "Resources.PyFn.Properties.Handler" },
    { file, line: 18, field: "Resources.Custom.Properties.CodeUri" },
  ]);
  assert.equal(problems[0].problem, `handler file not found; expected src/app.js or src/app.mjs or src/app.cjs in ${join(root, "node")}`);
  assert.equal(problems[1].problem, `handler file not found; expected pkg/app.py or pkg/app/__init__.py in ${join(root, "py")}`);
  assert.match(problems[2].problem, /^custom runtime without a bootstrap; expected an executable file named bootstrap in /);
});

test("a handler without a function part says what a handler looks like", () => {
  const root = writeProject({ "serverless.yml": "component: scf\nname: fn\ninputs:\n  handler: index\n", "index.js": SCF_NODE_HANDLER });
  const [problem] = load(root).problems;
  assert.deepEqual(where(problem), { file: join(root, "serverless.yml"), line: 4, field: "inputs.handler" });
  assert.equal(problem.problem, 'got "index"; expected FILE.EXPORT such as index.handler');
});

test("memory and timeout outside the cloud's limits are reported at their lines", () => {
  const root = writeProject({
    "serverless.yml": "component: scf\nname: fn\ninputs:\n  memorySize: 20000\n  timeout: 0\n",
    "index.js": SCF_NODE_HANDLER,
  });
  const file = join(root, "serverless.yml");
  const { project, problems } = load(root);
  assert.deepEqual(project.functions, []);
  assert.deepEqual(problems.map(where), [
    { file, line: 4, field: "inputs.memorySize" },
    { file, line: 5, field: "inputs.timeout" },
  ]);
  assert.equal(problems[0].problem, "got 20000; expected a whole number of MB from 64 to 10240");
  assert.equal(problems[1].problem, "got 0; expected a whole number of seconds from 1 to 900");
});

test("a limit overridden in faasbox.yml is reported in faasbox.yml", () => {
  const root = writeProject({
    "serverless.yml": "component: scf\nname: fn\ninputs:\n  name: fn\n",
    "index.js": SCF_NODE_HANDLER,
    "faasbox.yml": "functions:\n  fn:\n    memorySize: 32\n    minWarm: 20\n",
  });
  const file = join(root, "faasbox.yml");
  const { problems } = load(root);
  assert.deepEqual(problems.map(where), [
    { file, line: 3, field: "functions.fn.memorySize" },
    { file, line: 4, field: "functions.fn.minWarm" },
  ]);
  assert.equal(problems[1].problem, "got 20, more than maxConcurrency 10; expected at most 10");
});

test("a second function of the same name is the error, naming where the first is", () => {
  const root = writeProject({
    "a/serverless.yml": "component: scf\nname: hello\ninputs:\n  name: hello\n",
    "a/index.js": SCF_NODE_HANDLER,
    "b/template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  Other:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: hello
      Handler: index.handler
      Runtime: nodejs20.x
`,
    "b/index.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(project.functions.map((f) => f.codeDir), [join(root, "a")], "the first one stays");
  assert.deepEqual(problems.map(where), [{ file: join(root, "b", "template.yaml"), line: 6, field: "Resources.Other.Properties.FunctionName" }]);
  assert.equal(
    problems[0].problem,
    `duplicate function name "hello", already defined at ${join(root, "a", "serverless.yml")}:4; expected each function name once in the project`,
  );
});

test("manifests are found at any depth up to five folders, skipping dependencies, build output and dot-folders", () => {
  const scf = (name: string) => `component: scf\nname: ${name}\ninputs:\n  name: ${name}\n`;
  const root = writeProject({
    "serverless.yml": scf("at-root"),
    "index.js": SCF_NODE_HANDLER,
    "1/2/3/4/5/serverless.yml": scf("depth-five"),
    "1/2/3/4/5/index.js": SCF_NODE_HANDLER,
    "1/2/3/4/5/6/serverless.yml": scf("depth-six"),
    "node_modules/pkg/serverless.yml": scf("in-node-modules"),
    "dist/serverless.yml": scf("in-dist"),
    ".git/serverless.yml": scf("in-git"),
    ".faasbox/serverless.yml": scf("in-faasbox-state"),
    ".aws-sam/build/template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources: {}\n",
    "other/serverless.yaml": scf("yaml-extension"),
    "other/index.js": SCF_NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(project.functions.map((f) => f.name), ["at-root", "depth-five", "yaml-extension"]);
  assert.deepEqual(project.manifests, [
    join(root, "serverless.yml"),
    join(root, "1/2/3/4/5/serverless.yml"),
    join(root, "other/serverless.yaml"),
  ]);
});

test("an empty project loads no functions; a missing root folder is the caller's error", () => {
  const root = writeProject({});
  assert.deepEqual(load(root), { project: { root, functions: [], manifests: [], images: {} }, problems: [], warnings: [] });
  assert.throws(() => loadProject(join(root, "nope")), /project folder .*nope does not exist or is not a folder/);
});

test("a function's own .env is read from its code folder, not from other functions' folders", () => {
  const root = writeProject({
    "a/serverless.yml": "component: scf\nname: a\ninputs:\n  name: a\n",
    "a/index.js": SCF_NODE_HANDLER,
    "a/.env": "ONLY_A=1\n",
    "b/serverless.yml": "component: scf\nname: b\ninputs:\n  name: b\n",
    "b/index.js": SCF_NODE_HANDLER,
  });
  const { project } = load(root);
  assert.deepEqual(project.functions.map((f) => [f.name, f.environment]), [["a", { ONLY_A: "1" }], ["b", {}]]);
});
