import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readlinkSync, existsSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planBuild } from "../../../emulator/build/buildPlan";
import { stageCode } from "../../../emulator/build/stageCode";
import { BUILD_MARKER } from "../../../emulator/project/buildOutput";
import { missingPackageName } from "../../../emulator/core/runtime/missingModuleHint";
import { load, writeProject } from "../project/projectFiles";

test("Node: npm ci with a lockfile, npm install without, production dependencies only, node_modules not copied", () => {
  const locked = writeProject({ "package.json": "{}", "package-lock.json": "{}" });
  const plain = writeProject({ "package.json": "{}" });
  const lockedPlan = planBuild({ family: "nodejs", codeDir: locked });
  assert.equal(lockedPlan.command, "npm ci --omit=dev");
  assert.deepEqual(lockedPlan.skipTopLevel, ["node_modules"]);
  assert.equal(planBuild({ family: "nodejs", codeDir: plain }).command, "npm install --omit=dev");
  assert.match(planBuild({ family: "nodejs", codeDir: plain }).script ?? "", /npm install --omit=dev/);
});

test("Python: pip install -r requirements.txt --target ., with the mounted wheel folder when given; nothing to install without a manifest", () => {
  const root = writeProject({ "requirements.txt": "ms\n" });
  assert.equal(planBuild({ family: "python", codeDir: root }).command, "pip install -r requirements.txt --target .");
  assert.match(planBuild({ family: "python", codeDir: root }, { findLinks: true }).script ?? "", /--target \. --find-links \/opt\/faasbox-wheels/);
  assert.equal(planBuild({ family: "python", codeDir: writeProject({ "app.py": "" }) }).kind, "copy");
});

test("staging copies the code with links inside it kept, leaves out node_modules and .env files, and refuses a link out of the code folder", () => {
  const root = writeProject({ "fn/index.js": "x", "fn/lib/util.js": "y", "fn/node_modules/dev/index.js": "z", "fn/.env": "SECRET=1", "outside.txt": "secret" });
  symlinkSync("lib/util.js", join(root, "fn", "util-link.js"));
  const target = join(root, "out");
  mkdirSync(target);
  stageCode(join(root, "fn"), root, target, { skipTopLevel: ["node_modules"] });
  assert.equal(readFileSync(join(target, "lib", "util.js"), "utf8"), "y");
  assert.equal(readlinkSync(join(target, "util-link.js")), "lib/util.js");
  assert.equal(existsSync(join(target, "node_modules")), false);
  assert.equal(existsSync(join(target, ".env")), false);

  symlinkSync(join(root, "outside.txt"), join(root, "fn", "steal.txt"));
  const second = join(root, "out2");
  mkdirSync(second);
  assert.throws(() => stageCode(join(root, "fn"), root, second), /steal\.txt: a symlink to .*outside the code folder/);
  assert.equal(existsSync(join(second, "steal.txt")), false);
});

test("the loader runs a function from its finished build and warns when a source file is newer than the build", () => {
  const root = writeProject({
    "faasbox.yml": "functions:\n  api:\n    runtime: nodejs20.x\n    handler: index.handler\n    codeUri: ./fn\n",
    "fn/index.js": "exports.handler = async () => 1;\n",
    ".faasbox/build/api/index.js": "exports.handler = async () => 1;\n",
  });
  const builtAt = Date.now();
  writeFileSync(join(root, ".faasbox/build/api", BUILD_MARKER), JSON.stringify({ sourceDir: join(root, "fn"), builtAt }));
  // Sources older than the build: it is used without a warning.
  utimesSync(join(root, "fn", "index.js"), new Date(builtAt - 60_000), new Date(builtAt - 60_000));
  let result = load(root);
  const api = result.project.functions[0];
  assert.equal(api.codeDir, join(root, ".faasbox", "build", "api"));
  assert.deepEqual(api.build, { sourceDir: join(root, "fn"), buildDir: join(root, ".faasbox", "build", "api") });
  assert.deepEqual(result.warnings.filter((w) => w.message.includes("faasbox build")), []);

  utimesSync(join(root, "fn", "index.js"), new Date(builtAt + 60_000), new Date(builtAt + 60_000));
  result = load(root);
  const stale = result.warnings.find((w) => w.message.includes("changed after the last faasbox build"));
  assert.ok(stale);
  assert.equal(stale.file, join(root, "fn", "index.js"));
  assert.match(stale.problem, /run faasbox build api to use the change/);
  assert.equal(result.project.functions[0].codeDir, join(root, ".faasbox", "build", "api"));
});

test("an unfinished build (no marker) or a build folder that is a symlink is never used", () => {
  const root = writeProject({
    "faasbox.yml": "functions:\n  api:\n    runtime: nodejs20.x\n    handler: index.handler\n    codeUri: ./fn\n",
    "fn/index.js": "exports.handler = async () => 1;\n",
    ".faasbox/build/half/index.js": "",
    "elsewhere/index.js": "",
  });
  assert.equal(load(root).project.functions[0].codeDir, join(root, "fn"));
  writeFileSync(join(root, "elsewhere", BUILD_MARKER), JSON.stringify({ sourceDir: join(root, "fn"), builtAt: Date.now() + 1e9 }));
  symlinkSync(join(root, "elsewhere"), join(root, ".faasbox/build/api"));
  assert.equal(load(root).project.functions[0].codeDir, join(root, "fn"));
});

test("the package a runtime could not load is read from Node's and Python's messages; the handler's own file is not a package", () => {
  assert.equal(missingPackageName("nodejs", "Error: Cannot find module 'ms'\nRequire stack:\n- /var/task/index.js"), "ms");
  assert.equal(missingPackageName("nodejs", "Error: Cannot find module '@scope/lib/sub/path'"), "@scope/lib");
  assert.equal(missingPackageName("nodejs", "Error: Cannot find package 'ms' imported from /var/task/index.mjs"), "ms");
  assert.equal(missingPackageName("nodejs", "Error: Cannot find module './local'"), undefined);
  assert.equal(missingPackageName("nodejs", "Error: Cannot find module 'index' (looked for index.js, .mjs and .cjs in /var/task)"), undefined);
  assert.equal(missingPackageName("python", "Unable to import module 'app': No module named 'tiny_json.core'"), "tiny_json");
});
