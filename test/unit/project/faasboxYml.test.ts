import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixture, load, NODE_HANDLER, SCF_NODE_HANDLER, where, writeProject } from "./projectFiles";

/** What an SCF component route carries when its manifest sets no gateway settings (release, 15 s serviceTimeout). */
const scfApi = (id: string) => ({ api: { id, kind: "scf", stage: "release", stageVariables: { stage: "release" } }, scfGateway: { serviceTimeoutSec: 15 } });

function byName(root: string, env: Record<string, string> = {}) {
  const { project, problems } = load(root, env);
  return { functions: new Map(project.functions.map((f) => [f.name, f])), project, problems };
}

test("faasbox.yml defines functions with runtime and handler; the dialect follows the runtime name", () => {
  const { functions, project, problems } = byName(fixture("faasbox-app"), { AWS_REGION: "ap-southeast-1" });
  assert.deepEqual(problems, []);
  const hello = functions.get("hello");
  const py = functions.get("py-scf");
  assert.ok(hello && py);
  const root = fixture("faasbox-app");
  assert.deepEqual(
    [hello.dialect, hello.runtime, hello.family, hello.codeDir, hello.handler, hello.memoryMb, hello.timeoutSec, hello.region],
    ["aws", "nodejs20.x", "nodejs", join(root, "src"), "index.handler", 256, 3, "ap-southeast-1"],
  );
  assert.deepEqual([py.dialect, py.family, py.codeDir, py.region, py.namespace], ["scf", "python", join(root, "py"), "ap-guangzhou", "default"]);
  assert.deepEqual(hello.source, { file: join(root, "faasbox.yml"), line: 9 });
  assert.deepEqual(project.images, { nodejs: "node:22-bookworm-slim" });
  assert.deepEqual(project.manifests, [join(root, "legacy", "serverless.yml"), join(root, "faasbox.yml")]);
});

test("faasbox.yml events: HTTP payload follows the dialect, storage events use the cloud's names", () => {
  const hello = byName(fixture("faasbox-app")).functions.get("hello");
  assert.deepEqual(hello?.triggers, [
    { kind: "http", method: "GET", path: "/hello", payload: "aws-v2" },
    { kind: "timer", name: "timer-2", schedule: "rate(1 minute)", enabled: true, message: "tick" },
    { kind: "topic", name: "jobs", topic: "jobs", batchSize: 10, source: "queue" },
    { kind: "storage", name: "uploads", bucket: "uploads", events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], prefix: "img/" },
  ]);
});

test("local settings: defaults for every function, a function's own entry wins", () => {
  const { functions } = byName(fixture("faasbox-app"));
  const hello = functions.get("hello");
  const legacy = functions.get("legacy");
  const py = functions.get("py-scf");
  assert.ok(hello && legacy && py);
  assert.deepEqual(
    [hello.maxConcurrency, hello.queueSize, hello.keepAliveMs, hello.minWarm, hello.image],
    [4, 100, 30_000, 1, undefined],
  );
  assert.deepEqual([py.maxConcurrency, py.queueSize, py.keepAliveMs, py.minWarm], [4, 100, 90_000, 0], "keepAlive: 90 is seconds");
  assert.deepEqual(
    [legacy.maxConcurrency, legacy.queueSize, legacy.keepAliveMs, legacy.image, legacy.timeoutSec],
    [2, 20, 90_000, "my/node:custom", 15],
  );
});

test("settings for a function from serverless.yml add events in that function's dialect", () => {
  const legacy = byName(fixture("faasbox-app")).functions.get("legacy");
  assert.equal(legacy?.dialect, "scf");
  assert.deepEqual(legacy?.triggers, [
    { kind: "http", method: "ANY", path: "/legacy", payload: "scf", integratedResponse: false, ...scfApi("apigw") },
    { kind: "http", method: "ANY", path: "/legacy/extra", payload: "scf", integratedResponse: true },
    { kind: "topic", name: "orders", topic: "orders", batchSize: 10, source: "topic" },
  ]);
});

test("environment precedence: manifest < root .env < code folder .env < envFiles < the function's envFile", () => {
  const { functions } = byName(fixture("faasbox-app"));
  assert.deepEqual(functions.get("legacy")?.environment, {
    L1: "manifest",
    L2: "root",
    L3: "code",
    L4: "shared",
    L5: "own",
    ROOT_ONLY: "root",
  });
  // faasbox.yml's `environment` is the manifest layer of a function defined there.
  assert.deepEqual(functions.get("hello")?.environment, {
    GREETING: "hi",
    L2: "root",
    L3: "root",
    L4: "shared",
    L5: "hello-file",
    ROOT_ONLY: "root",
  });
});

test("settings for a name no manifest defines are an error at that name", () => {
  const root = writeProject({
    "faasbox.yml": "functions:\n  hello:\n    runtime: nodejs20.x\n    handler: index.handler\n  helo:\n    maxConcurrency: 2\n",
    "index.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "faasbox.yml"), line: 5, field: "functions.helo" }]);
  assert.match(problems[0].problem, /^no function named "helo" in any manifest \(functions: hello\); expected the name of a function/);
  assert.deepEqual(project.functions.map((f) => f.name), ["hello"]);
});

test("wrong values in faasbox.yml name the field and the expected form", () => {
  const root = writeProject({
    "faasbox.yml": `defaults:
  keepAlive: forever
  maxConcurency: 3
functions:
  hello:
    runtime: nodejs20.x
    handler: index.handler
    maxConcurrency: 0
  other:
    runtime: nodejs20.x
  third:
    runtime: nodejs20.x
    handler: index.handler
    events:
      - http: { path: /x, payload: v3 }
      - websocket: { path: /ws }
`,
    "index.js": NODE_HANDLER,
  });
  const file = join(root, "faasbox.yml");
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [
    { file, line: 3, field: "defaults.maxConcurency" },
    { file, line: 2, field: "defaults.keepAlive" },
    { file, line: 8, field: "functions.hello.maxConcurrency" },
    { file, line: 10, field: "functions.other.runtime" },
    { file, line: 15, field: "functions.third.events[0].http.payload" },
    { file, line: 16, field: "functions.third.events[1].websocket" },
  ]);
  assert.equal(problems[0].problem, "unknown field; expected one of maxConcurrency, queueSize, keepAlive, minWarm");
  assert.equal(problems[1].problem, 'got "forever"; expected a duration: seconds as a number, or a string such as 500ms, 30s, 5m or 1h');
  assert.equal(problems[2].problem, "got 0; expected a whole number of at least 1");
  assert.match(problems[3].problem, /^runtime only applies to a function defined in faasbox\.yml; expected both runtime and handler/);
  assert.equal(problems[4].problem, 'got "v3"; expected scf, v1 or v2');
  assert.equal(problems[5].problem, 'unknown event type "websocket"; expected one of http, timer, topic, queue, storage, database');
  assert.deepEqual(project.functions.map((f) => f.name), ["third"], "hello's entry failed as a whole; third keeps its good parts");
});

test("a misspelt key in faasbox.yml is reported with the keys it could be; the function still loads", () => {
  const root = writeProject({
    "faasbox.yml": "functions:\n  hello:\n    runtime: nodejs20.x\n    handler: index.handler\n    memroySize: 512\n",
    "index.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "faasbox.yml"), line: 5, field: "functions.hello.memroySize" }]);
  assert.match(problems[0].problem, /^unknown field; expected one of runtime, handler, codeUri, .*memorySize/);
  assert.deepEqual(project.functions.map((f) => [f.name, f.memoryMb]), [["hello", 128]]);
});

test("an envFile named in faasbox.yml that does not exist is reported; the function still loads", () => {
  const root = writeProject({
    "faasbox.yml": "envFiles:\n  - .env.missing\nfunctions:\n  fn:\n    runtime: Nodejs18.15\n    handler: index.main_handler\n",
    "index.js": SCF_NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "faasbox.yml"), line: 2, field: "envFiles[0]" }]);
  assert.match(problems[0].problem, /^env file .*\.env\.missing does not exist; expected a \.env file/);
  assert.deepEqual(project.functions.map((f) => f.name), ["fn"]);
});

test("faasbox.yml below the project root is not read", () => {
  const root = writeProject({
    "sub/faasbox.yml": "functions:\n  hidden:\n    runtime: nodejs20.x\n    handler: index.handler\n",
    "sub/index.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual([project.functions, project.manifests, problems], [[], [], []]);
});

test("defaults hold local settings only: memory in defaults is reported and not applied", () => {
  const root = writeProject({
    "faasbox.yml": "defaults:\n  memorySize: 1024\n  queueSize: 0\nfunctions:\n  fn:\n    runtime: nodejs20.x\n    handler: index.handler\n",
    "index.js": NODE_HANDLER,
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems.map(where), [{ file: join(root, "faasbox.yml"), line: 2, field: "defaults.memorySize" }]);
  assert.deepEqual(project.functions.map((f) => [f.memoryMb, f.queueSize]), [[128, 0]]);
});
