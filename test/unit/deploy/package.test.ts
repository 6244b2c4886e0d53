import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageFunction } from "../../../emulator/deploy/package";
import { loadProject } from "../../../emulator/project/loadProject";
import { checkSizeLimits, SIZE_LIMITS } from "../../../emulator/deploy/limits";
import { readZipEntries } from "../../helpers/fakeClouds/zipCheck";
import { specFor, writeTree } from "./deployTestKit";

const MB = 1024 * 1024;

function nodeProject() {
  return writeTree({
    "serverless.yml": "component: scf\n",
    "src/index.js": "exports.main_handler = async () => 'ok';\n",
    "src/lib/util.js": "module.exports = 1;\n",
    "src/bootstrap": { content: "#!/bin/sh\nexec node index.js\n", mode: 0o644 },
    "src/tool.sh": { content: "#!/bin/sh\n", mode: 0o755 },
    "src/package.json": JSON.stringify({ dependencies: { left: "1.0.0" }, devDependencies: { mocha: "10.0.0", left: "1.0.0" } }),
    "src/node_modules/left/index.js": "module.exports = 'left';\n",
    "src/node_modules/mocha/index.js": "module.exports = 'mocha';\n",
  });
}

test("the same files give the same zip bytes and sha256, whatever the files' times and permissions", async () => {
  const root = nodeProject();
  const spec = specFor(join(root, "src"));
  const first = await packageFunction(spec, { projectRoot: root });
  const second = await packageFunction(spec, { projectRoot: root });
  assert.ok(first.zip.equals(second.zip), "two packs of the same folder differ");
  assert.equal(first.sha256, second.sha256);
  assert.equal(first.sha256, createHash("sha256").update(first.zip).digest("hex"));
  assert.equal(first.size, first.zip.length);

  // New mtimes and a different (non-executable) mode on disk must not change a byte.
  const later = new Date("2031-05-06T07:08:09Z");
  for (const file of ["src/index.js", "src/lib/util.js", "src/package.json"]) utimesSync(join(root, file), later, later);
  chmodSync(join(root, "src/index.js"), 0o600);
  const touched = await packageFunction(spec, { projectRoot: root });
  assert.ok(first.zip.equals(touched.zip), "touching files changed the zip");

  // A content change does change it.
  writeFileSync(join(root, "src/lib/util.js"), "module.exports = 2;\n");
  const edited = await packageFunction(spec, { projectRoot: root });
  assert.notEqual(edited.sha256, first.sha256);
});

test("entries are sorted, dated 1980-01-01, without extra fields, 0644 or 0755 for executables and bootstrap", async () => {
  const root = nodeProject();
  const packaged = await packageFunction(specFor(join(root, "src")), { projectRoot: root });
  const entries = (await readZipEntries(packaged.zip))!;
  const names = entries.map((e) => e.name);
  assert.deepEqual(names, [...names].sort());
  assert.deepEqual(names, packaged.files);
  const dos19800101 = (0 << 9) | (1 << 5) | 1;
  for (const entry of entries) {
    assert.equal(entry.lastModFileDate, dos19800101, `${entry.name} date`);
    assert.equal(entry.lastModFileTime, 0, `${entry.name} time`);
    assert.equal(entry.extraFieldCount, 0, `${entry.name} has extra fields`);
  }
  const mode = (name: string) => entries.find((e) => e.name === name)!.mode;
  assert.equal(mode("bootstrap"), 0o100755, "bootstrap is executable even when the disk says 0644");
  assert.equal(mode("tool.sh"), 0o100755);
  assert.equal(mode("index.js"), 0o100644);
  assert.equal(packaged.unzippedSize, entries.reduce((total, e) => total + e.uncompressedSize, 0));
});

test(".gitignore and .faasboxignore apply from the project root down; node_modules survives .gitignore", async () => {
  const root = writeTree({
    ".gitignore": "*.log\nnode_modules/\ncoverage/\n",
    "serverless.yml": "component: scf\n",
    "fn/.faasboxignore": "tests/\n!keep.log\nREADME.md\n",
    "fn/index.js": "exports.main_handler = () => 1;\n",
    "fn/debug.log": "noise",
    "fn/keep.log": "wanted",
    "fn/README.md": "docs",
    "fn/tests/index.test.js": "test",
    "fn/coverage/lcov.info": "cov",
    "fn/sub/.gitignore": "secret.json\n",
    "fn/sub/secret.json": "{}",
    "fn/sub/public.json": "{}",
    "fn/node_modules/dep/index.js": "module.exports = 1;",
    "fn/node_modules/dep/.gitignore": "dist/\n",
    "fn/node_modules/dep/dist/main.js": "built",
    "fn/node_modules/.cache/babel/x.json": "cache",
    "fn/.git/HEAD": "ref: refs/heads/main",
    "fn/.faasbox/events/hello/sample.json": "{}",
  });
  const packaged = await packageFunction(specFor(join(root, "fn"), { handler: "index.main_handler" }), { projectRoot: root });
  assert.deepEqual(packaged.files, [
    "index.js",
    "keep.log",
    "node_modules/dep/.gitignore",
    "node_modules/dep/dist/main.js",
    "node_modules/dep/index.js",
    "sub/.gitignore",
    "sub/public.json",
  ]);
  assert.deepEqual(packaged.warnings, []);
});

test("a .gitignore above that ignores the code folder itself (a build output) is set aside with a warning", async () => {
  const root = writeTree({
    ".gitignore": "dist/\n*.map\n",
    "template.yaml": "Resources: {}\n",
    "dist/app.js": "exports.handler = async () => 'built';\n",
    "dist/app.js.map": "{}",
  });
  const packaged = await packageFunction(specFor(join(root, "dist"), { handler: "app.handler" }), { projectRoot: root });
  assert.deepEqual(packaged.files, ["app.js", "app.js.map"]);
  assert.deepEqual(packaged.warnings, [`${join(root, ".gitignore")} ignores the code folder itself, so its rules are not applied to the package`]);
});

test(".faasboxignore can leave out node_modules, which .gitignore cannot", async () => {
  const root = writeTree({
    "index.js": "exports.main_handler = () => 1;\n",
    ".faasboxignore": "node_modules/\n",
    "node_modules/dep/index.js": "x",
  });
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.deepEqual(packaged.files, ["index.js"]);
});

test("serverless.yml src.exclude leaves files out of the zip, and no ignore file brings them back", async () => {
  const root = writeTree({
    "serverless.yml": [
      "component: scf",
      "name: api",
      "inputs:",
      "  src:",
      "    src: ./src",
      "    exclude:",
      "      - .env",
      "      - '*.test.js'",
      "      - fixtures/",
      "  handler: index.main_handler",
      "  runtime: Nodejs18.15",
      "",
    ].join("\n"),
    "src/index.js": "exports.main_handler = async () => 'ok';\n",
    "src/.env": "SECRET=1\n",
    "src/index.test.js": "test\n",
    "src/lib/util.test.js": "test\n",
    "src/lib/util.js": "module.exports = 1;\n",
    "src/fixtures/big.json": "{}",
    "src/.faasboxignore": "!.env\n",
  });
  const { project, problems } = loadProject(root, { env: {} });
  assert.deepEqual(problems, []);
  const [spec] = project.functions;
  assert.deepEqual(spec.packageExclude, [".env", "*.test.js", "fixtures/"]);
  const packaged = await packageFunction(spec, { projectRoot: root });
  assert.deepEqual(packaged.files, ["index.js", "lib/util.js"]);
});

test("a src.exclude that is not a list of patterns is an error at its line", () => {
  const root = writeTree({
    "serverless.yml": "component: scf\nname: api\ninputs:\n  src:\n    src: ./src\n    exclude: {a: 1}\n",
    "src/index.js": "exports.main_handler = async () => 'ok';\n",
  });
  const { problems } = loadProject(root, { env: {} });
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /serverless\.yml:6: .*exclude.*expected a list of patterns/);
});

test("development-only packages are left out: devDependencies not also in dependencies", async () => {
  const root = nodeProject();
  const packaged = await packageFunction(specFor(join(root, "src")), { projectRoot: root });
  assert.ok(packaged.files.includes("node_modules/left/index.js"), "a package in both lists stays");
  assert.ok(!packaged.files.some((f) => f.startsWith("node_modules/mocha/")), "a dev dependency is left out");
});

test("with package-lock.json, every package npm marks dev, transitive ones included, is left out", async () => {
  const lock = {
    lockfileVersion: 3,
    packages: {
      "": { dependencies: { express: "4" }, devDependencies: { "@types/node": "20", jest: "29" } },
      "node_modules/express": {},
      "node_modules/@types/node": { dev: true },
      "node_modules/jest": { dev: true },
      "node_modules/jest-util": { dev: true },
    },
  };
  const root = writeTree({
    "index.js": "exports.main_handler = () => 1;\n",
    "package.json": JSON.stringify({ dependencies: { express: "4" }, devDependencies: { "@types/node": "20", jest: "29" } }),
    "package-lock.json": JSON.stringify(lock),
    "node_modules/express/index.js": "x",
    "node_modules/@types/node/index.d.ts": "x",
    "node_modules/jest/index.js": "x",
    "node_modules/jest-util/index.js": "x",
  });
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.deepEqual(packaged.files.filter((f) => f.startsWith("node_modules/")), ["node_modules/express/index.js"]);
});

test("a symlink inside the code folder stays a link; one outside is refused, naming it (see packageSafety.test.ts)", async () => {
  const outside = writeTree({ "shared.js": "module.exports = 'shared';\n" });
  const root = writeTree({
    "index.js": "exports.main_handler = () => 1;\n",
    "node_modules/tool/cli.js": "#!/usr/bin/env node\n",
    "node_modules/.bin/tool": { symlink: "../tool/cli.js" },
  });
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  const entries = (await readZipEntries(packaged.zip))!;
  assert.equal(entries.find((e) => e.name === "node_modules/.bin/tool")!.mode, 0o120777);

  symlinkSync(join(outside, "shared.js"), join(root, "shared.js"));
  await assert.rejects(packageFunction(specFor(root), { projectRoot: root }), /\n {2}shared\.js: a symlink to .*shared\.js, outside the code folder/);
});

test("a handler file left out by the ignore files is warned about; an empty package is an error", async () => {
  const root = writeTree({ ".faasboxignore": "index.js\n", "index.js": "x", "other.js": "y" });
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.match(packaged.warnings.join("\n"), /no index\.js or index\.mjs or index\.cjs, so the cloud will not find the handler index\.main_handler/);

  const empty = writeTree({ ".faasboxignore": "*\n", "index.js": "x" });
  await assert.rejects(packageFunction(specFor(empty), { projectRoot: empty }), /nothing to deploy, every file under .* is left out/);
  await assert.rejects(packageFunction(specFor(join(empty, "missing")), { projectRoot: empty }), /the code folder .*missing does not exist/);
});

test("size limits: Lambda 50 MB zipped and 250 MB unzipped, SCF one 10 MB request and 500 MB, each saying what to do", () => {
  assert.equal(SIZE_LIMITS.lambda.zipped, 50 * MB);
  assert.equal(SIZE_LIMITS.lambda.unzipped, 250 * MB);
  assert.equal(SIZE_LIMITS.scf.unzipped, 500 * MB);
  assert.ok(Math.ceil(SIZE_LIMITS.scf.zipped / 3) * 4 < 10_000_000, "the base64 zip must fit in a 10 MB request");

  const fine = checkSizeLimits("lambda", { size: 2 * MB, unzippedSize: 5 * MB });
  assert.equal(fine.ok, true);
  assert.deepEqual(fine.lines, ["zip 2.0 MB of 50.0 MB (Lambda direct upload)", "unzipped 5.0 MB of 250.0 MB (Lambda)"]);

  const lambda = checkSizeLimits("lambda", { size: 60 * MB, unzippedSize: 300 * MB });
  assert.equal(lambda.ok, false);
  assert.match(lambda.problems[0], /the zip is 60\.0 MB, over the 50\.0 MB Lambda takes as a direct upload\. Name an S3 bucket .*--code-bucket.*faasbox\.deploy\.codeBucket.*Lambda layer/);
  assert.match(lambda.problems[1], /300\.0 MB unzipped, over Lambda's 250\.0 MB limit/);

  const scf = checkSizeLimits("scf", { size: 8 * MB, unzippedSize: 20 * MB });
  assert.equal(scf.ok, false);
  assert.match(scf.problems[0], /the zip is 8\.0 MB, over the 7\.1 MB SCF takes in one API request \(10 MB once base64 encoded\)\. Name a COS bucket \(NAME-APPID, in the function's region\).*--code-bucket.*SCF layer/);

  // With a code bucket the zip's size is no longer a problem; the unzipped limit still is.
  const viaBucket = checkSizeLimits("scf", { size: 8 * MB, unzippedSize: 600 * MB }, { codeBucket: "faasbox-code-1250000000" });
  assert.equal(viaBucket.viaBucket, true);
  assert.deepEqual(viaBucket.lines, ["zip 8.0 MB, over the 7.1 MB SCF takes directly: goes through the bucket faasbox-code-1250000000", "unzipped 600.0 MB of 500.0 MB (SCF)"]);
  assert.equal(viaBucket.problems.length, 1);
  assert.match(viaBucket.problems[0], /600\.0 MB unzipped, over SCF's 500\.0 MB limit/);
  assert.equal(checkSizeLimits("scf", { size: 2 * MB, unzippedSize: 5 * MB }, { codeBucket: "faasbox-code-1250000000" }).viaBucket, false);
});
