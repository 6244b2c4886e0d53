// The hot-reload watcher on a real folder: what it watches, what it ignores, what it reports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ProjectWatcher } from "../../../emulator/project/projectWatcher";
import { isIgnoredPath, watchRoots } from "../../../emulator/project/watchScope";
import { load, NODE_HANDLER, writeProject } from "./projectFiles";

const MANIFEST = `functions:
  api:
    runtime: nodejs20.x
    codeUri: src/api
    handler: index.handler
  web:
    runtime: nodejs20.x
    codeUri: dist/web
    handler: index.handler
`;

function project() {
  const root = writeProject({
    "faasbox.yml": MANIFEST,
    "src/api/index.js": NODE_HANDLER,
    "src/api/node_modules/dep/index.js": "module.exports = 1;\n",
    "dist/web/index.js": NODE_HANDLER,
    "build/other.js": "// not any function's code\n",
    "node_modules/tool/index.js": "\n",
  });
  const { project, problems } = load(root);
  assert.deepEqual(problems, []);
  return { root, project };
}

test("each folder is watched once: code folders inside the project root are covered by it", () => {
  const { root, project: spec } = project();
  assert.deepEqual(watchRoots(spec), [root]);
  const outside = { ...spec, functions: [...spec.functions, { ...spec.functions[0], name: "shared", codeDir: "/elsewhere/shared" }] };
  assert.deepEqual(watchRoots(outside), ["/elsewhere/shared", root].sort((a, b) => a.length - b.length));
});

test("node_modules, .git and build output are ignored, except build output that is a function's code", () => {
  const { root, project: spec } = project();
  assert.equal(isIgnoredPath(spec, join(root, "node_modules")), true);
  assert.equal(isIgnoredPath(spec, join(root, "src/api/node_modules/dep/index.js")), true);
  assert.equal(isIgnoredPath(spec, join(root, ".git/index")), true);
  assert.equal(isIgnoredPath(spec, join(root, ".faasbox/logs.current.jsonl")), true);
  assert.equal(isIgnoredPath(spec, join(root, "build/other.js")), true);
  assert.equal(isIgnoredPath(spec, join(root, "dist")), false, "on the way to dist/web, a code folder");
  assert.equal(isIgnoredPath(spec, join(root, "dist/web/index.js")), false);
  assert.equal(isIgnoredPath(spec, join(root, "src/api/index.js")), false);
});

test("a code change retires its function, a manifest change reloads, and writes in node_modules or build output do neither", async () => {
  const { root, project: spec } = project();
  const events: string[] = [];
  const watcher = new ProjectWatcher(spec, {
    onManifestChange: () => events.push("manifest"),
    onCodeChange: (names) => events.push(`code:${names.sort().join(",")}`),
  });
  try {
    await watcher.ready();
    writeFileSync(join(root, "node_modules/tool/index.js"), "// changed\n");
    writeFileSync(join(root, "src/api/node_modules/dep/index.js"), "module.exports = 2;\n");
    mkdirSync(join(root, "build/deeper"), { recursive: true });
    writeFileSync(join(root, "build/deeper/x.js"), "\n");
    writeFileSync(join(root, "dist/web/index.js"), NODE_HANDLER + "// rebuilt\n");
    await waitFor(() => events.length > 0);
    assert.deepEqual(events, ["code:web"]);
    events.length = 0;
    writeFileSync(join(root, "src/api/index.js"), NODE_HANDLER + "// edited\n");
    writeFileSync(join(root, "faasbox.yml"), MANIFEST + "\n");
    await waitFor(() => events.length >= 2);
    assert.deepEqual(events.sort(), ["code:api", "manifest"]);
  } finally {
    watcher.close();
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // The watcher debounces: a late event from an ignored write would arrive within this.
  await new Promise((r) => setTimeout(r, 300));
}
