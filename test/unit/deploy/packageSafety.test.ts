import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, posix, resolve } from "node:path";
import yauzl from "yauzl";
import { deployCommand } from "../../../emulator/cli/deploy";
import { collectFiles, zipReadProblems } from "../../../emulator/deploy/collectFiles";
import { DeployError, PackagingError } from "../../../emulator/deploy/errors";
import { packageFunction } from "../../../emulator/deploy/package";
import { writeDeterministicZip } from "../../../emulator/deploy/zipWriter";
import { FakeScf, SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "../../helpers/fakeClouds/fakeScf";
import { CLI_BUNDLES } from "../../helpers/paths";
import { CLEAN_CLOUD_ENV, capture, specFor, withEnv, writeTree } from "./deployTestKit";

const REPO_ROOT = resolve(__dirname, "..", "..", "..");
const MODE_SYMLINK = 0o120777;

interface ZipItem {
  mode: number;
  data: Buffer;
}

/** Every entry of a zip with its Unix mode and bytes (a link's bytes are its target path). */
function readZip(zip: Buffer): Promise<Map<string, ZipItem>> {
  return new Promise((resolvePromise, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error("not a zip"));
      const items = new Map<string, ZipItem>();
      file.on("entry", (entry: yauzl.Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error("no stream"));
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          stream.on("end", () => {
            items.set(entry.fileName, { mode: entry.externalFileAttributes >>> 16, data: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.on("end", () => resolvePromise(items));
      file.on("error", reject);
      file.readEntry();
    });
  });
}

/** What a path of the zip reads as once unzipped: links followed inside the zip, on every part of the path, as the cloud's unzip would. */
function contentAt(items: Map<string, ZipItem>, name: string, hops = 0): string | undefined {
  assert.ok(hops < 20, `link loop at ${name}`);
  let resolved = "";
  const parts = name.split("/");
  for (let index = 0; index < parts.length; index++) {
    const here = resolved === "" ? parts[index] : `${resolved}/${parts[index]}`;
    const item = items.get(here);
    if (item?.mode === MODE_SYMLINK) {
      const target = item.data.toString();
      if (posix.isAbsolute(target)) return undefined;
      // Go on from the link's target, with the rest of the path after it.
      const rest = posix.normalize(posix.join(posix.dirname(here), target, ...parts.slice(index + 1)));
      return contentAt(items, rest, hops + 1);
    }
    resolved = here;
  }
  const item = items.get(resolved);
  return item ? item.data.toString() : undefined;
}

/** The packaging error of a code folder, checked to be one and to name the function and folder. */
async function packagingError(codeDir: string): Promise<PackagingError> {
  let caught: unknown;
  try {
    await packageFunction(specFor(codeDir), { projectRoot: codeDir });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof PackagingError, `expected a PackagingError, got ${caught === undefined ? "a package" : String(caught)}`);
  assert.ok(caught instanceof DeployError && caught.kind === "config");
  assert.match(caught.message, new RegExp(`^hello: nothing was packaged: \\d+ files? in ${escape(codeDir)} cannot go into the zip`));
  return caught;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The problem line that starts with `rel`, which must be there. */
function problemFor(error: PackagingError, rel: string): string {
  const line = error.problems.find((problem) => problem.startsWith(`${rel}: `));
  assert.ok(line, `no problem names ${rel}:\n${error.message}`);
  assert.ok(error.message.includes(line), "the message lists every problem");
  return line;
}

test("a symlink to a file outside the code folder (the deployer's credentials) is refused, naming the link and its target", async () => {
  const home = writeTree({ ".aws/credentials": "[default]\naws_secret_access_key = SECRET-FROM-HOME\n" });
  const credentials = join(home, ".aws", "credentials");
  const tree = writeTree({
    "outside.txt": "next to the code folder, not in it",
    "fn/index.js": "exports.main_handler = () => 1;\n",
    "fn/credentials": { symlink: credentials },
    "fn/lib/aws": { symlink: join(home, ".aws") },
    "fn/lib/up.txt": { symlink: "../../outside.txt" },
    "fn/lib/via.txt": { symlink: "../hop.txt" },
    "fn/hop.txt": { symlink: "../outside.txt" },
  });
  const root = join(tree, "fn");
  const error = await packagingError(root);
  const line = problemFor(error, "credentials");
  assert.match(line, new RegExp(`^credentials: a symlink to ${escape(credentials)}, outside the code folder\\. .*copy what the function needs into the code folder.*"credentials" in \\.faasboxignore`));
  // A link to a folder outside is refused too, and a link through another link says where it really leads.
  assert.match(problemFor(error, "lib/aws"), /outside the code folder/);
  assert.match(problemFor(error, "lib/up.txt"), /^lib\/up\.txt: a symlink to \.\.\/\.\.\/outside\.txt, outside the code folder/);
  assert.match(problemFor(error, "lib/via.txt"), new RegExp(`^lib/via\\.txt: a symlink to \\.\\./hop\\.txt \\(really ${escape(join(tree, "outside.txt"))}\\), outside the code folder`));
  assert.match(problemFor(error, "hop.txt"), /outside the code folder/);
  assert.equal(error.problems.length, 5);
  assert.ok(!error.message.includes("SECRET-FROM-HOME"));

  // Leaving the links out is a way through: what is ignored is never looked at.
  writeFileSync(join(root, ".faasboxignore"), "credentials\nlib/aws/\n*.txt\n");
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.deepEqual(packaged.files, ["index.js"]);
});

test("a symlink to /proc/self/environ is refused, naming the link", { skip: process.platform !== "linux" && "Linux only" }, async () => {
  const root = writeTree({ "index.js": "exports.main_handler = () => 1;\n", "config/env.txt": { symlink: "/proc/self/environ" } });
  const error = await packagingError(root);
  assert.match(problemFor(error, "config/env.txt"), /^config\/env\.txt: a symlink to \/proc\/self\/environ \(really \/proc\/\d+\/environ\), outside the code folder/);
});

test("a dangling symlink and a symlink loop are errors naming each", async () => {
  const root = writeTree({
    "index.js": "exports.main_handler = () => 1;\n",
    "gone.js": { symlink: "./never-there.js" },
    "loop-a": { symlink: "loop-b" },
    "loop-b": { symlink: "loop-a" },
  });
  const error = await packagingError(root);
  assert.match(problemFor(error, "gone.js"), /^gone\.js: a symlink to \.\/never-there\.js, which does not exist\. Remove the link .*"gone\.js" in \.faasboxignore/);
  assert.match(problemFor(error, "loop-a"), /^loop-a: a symlink to loop-b that loops/);
  assert.match(problemFor(error, "loop-b"), /^loop-b: a symlink to loop-a that loops/);
  assert.equal(error.problems.length, 3);
});

test("a symlink inside the code folder to a file inside it is packaged so that it reads as the target's content", async () => {
  const root = writeTree({
    "index.js": "exports.main_handler = () => 1;\n",
    "config/prod.json": '{"stage":"prod"}',
    "config/current.json": { symlink: "prod.json" },
    "lib/impl/util.js": "module.exports = 'util';\n",
    "node_modules/tool/cli.js": "#!/usr/bin/env node\n",
    "node_modules/.bin/tool": { symlink: "../tool/cli.js" },
  });
  // Written as absolute paths and through another link: still inside, so still fine.
  symlinkSync(join(root, "config", "prod.json"), join(root, "settings.json"));
  symlinkSync("settings.json", join(root, "chain.json"));
  symlinkSync(join(root, "lib", "impl"), join(root, "lib", "current"));

  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.deepEqual(packaged.warnings, []);
  const items = await readZip(packaged.zip);
  for (const name of ["config/current.json", "settings.json", "chain.json"]) {
    assert.equal(items.get(name)?.mode, MODE_SYMLINK, `${name} stays a link`);
    assert.equal(contentAt(items, name), '{"stage":"prod"}', `${name} reads as config/prod.json`);
  }
  assert.equal(contentAt(items, "node_modules/.bin/tool"), "#!/usr/bin/env node\n");
  assert.equal(contentAt(items, "lib/current/util.js"), "module.exports = 'util';\n", "a link to a folder inside reads as that folder");
  // Links are stored relative to their folder, so they hold in the cloud and never name this machine's paths.
  assert.equal(items.get("settings.json")!.data.toString(), "config/prod.json");
  assert.equal(items.get("chain.json")!.data.toString(), "config/prod.json");
  assert.equal(items.get("lib/current")!.data.toString(), "impl");
  assert.ok(![...items.values()].some((item) => item.data.toString().includes(root)), "a local path went into the zip");
});

test("a link to a file the zip leaves out is kept, with a warning that it will lead nowhere", async () => {
  const root = writeTree({ "index.js": "x", ".faasboxignore": "private/\n", "private/key.pem": "KEY", "key.pem": { symlink: "private/key.pem" } });
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.deepEqual(packaged.files, ["index.js", "key.pem"]);
  assert.match(packaged.warnings.join("\n"), /key\.pem is a symlink to private\/key\.pem, which is left out of the zip, so the link will lead nowhere in the cloud/);
  const items = await readZip(packaged.zip);
  assert.ok(![...items.values()].some((item) => item.data.toString().includes("KEY")));
});

test("a FIFO is refused, naming it; left out by .faasboxignore it is never opened", { skip: process.platform === "win32" && "no mkfifo" }, async () => {
  const root = writeTree({ "index.js": "exports.main_handler = () => 1;\n" });
  mkdirSync(join(root, "run"));
  execFileSync("mkfifo", [join(root, "run", "events.pipe")]);
  symlinkSync("run/events.pipe", join(root, "pipe-link"));
  const error = await packagingError(root);
  assert.match(problemFor(error, "run/events.pipe"), /^run\/events\.pipe: a FIFO \(named pipe\), not a regular file\. .*delete it, or leave it out with the line "run\/events\.pipe" in \.faasboxignore/);
  assert.match(problemFor(error, "pipe-link"), /^pipe-link: a symlink to run\/events\.pipe, which is a FIFO \(named pipe\), not a regular file/);

  writeFileSync(join(root, ".faasboxignore"), "*.pipe\npipe-link\n");
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.deepEqual(packaged.files, ["index.js"]);
});

test(".env and .env.local are not in the zip, and the package says they were left out and why", async () => {
  const root = writeTree({
    "index.js": "exports.main_handler = () => 1;\n",
    ".env": "API_KEY=from-dot-env\n",
    ".env.local": "API_KEY=local\n",
    "sub/.env.test": "X=1\n",
    ".envrc.sample": "not a dotenv file name\n",
    "env.js": "module.exports = {};\n",
    "node_modules/dotenv-pkg/.env.example": "a package's own file\n",
  });
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.deepEqual(packaged.files, [".envrc.sample", "env.js", "index.js", "node_modules/dotenv-pkg/.env.example"]);
  const note = packaged.warnings.find((warning) => warning.startsWith("left out of the zip:"));
  assert.ok(note, packaged.warnings.join("\n"));
  assert.match(note, /^left out of the zip: \.env, \.env\.local, sub\/\.env\.test: \.env files usually hold secrets .*name it with "!" in \.faasboxignore \(e\.g\. "!\.env"\)/);
  const items = await readZip(packaged.zip);
  assert.ok(![...items.values()].some((item) => item.data.toString().includes("API_KEY")));
  assert.deepEqual(collectFiles(root, root).secretsLeftOut, [".env", ".env.local", "sub/.env.test"]);
});

test("a ! rule in .faasboxignore brings .env.production back; one in .gitignore does not", async () => {
  const root = writeTree({
    "index.js": "exports.main_handler = () => 1;\n",
    ".env": "SECRET=1\n",
    ".env.production": "STAGE=prod\n",
    ".env.example": "SECRET=\n",
    ".gitignore": "!.env.example\n",
    ".faasboxignore": "!.env.production\n",
  });
  const packaged = await packageFunction(specFor(root), { projectRoot: root });
  assert.deepEqual(packaged.files, [".env.production", ".gitignore", "index.js"]);
  assert.match(packaged.warnings.join("\n"), /left out of the zip: \.env, \.env\.example:/);
  const items = await readZip(packaged.zip);
  assert.equal(items.get(".env.production")?.data.toString(), "STAGE=prod\n");
});

test("reads that fail name the file: one that disappears or changes before the zip is written", async () => {
  const root = writeTree({ "index.js": "exports.main_handler = () => 1;\n", "data/big.json": "{}" });
  const collected = collectFiles(root, root);
  rmSync(join(root, "data", "big.json"));
  const failure = await writeDeterministicZip(collected.entries).then(
    () => assert.fail("the zip was written without data/big.json"),
    (error: unknown) => error,
  );
  const problems = zipReadProblems(collected.entries, failure);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^data\/big\.json: disappeared while the code folder was being packaged\. Run the command again/);

  writeFileSync(join(root, "data", "big.json"), "{}");
  writeFileSync(join(root, "data", "grown.json"), "12");
  const grown = collectFiles(root, root);
  writeFileSync(join(root, "data", "grown.json"), "12345");
  assert.match(zipReadProblems(grown.entries, new Error("file data stream has unexpected number of bytes"))[0], /^data\/grown\.json: changed while the code folder was being packaged \(2 bytes, then 5\)/);
});

test("a file that cannot be read is refused, naming it (as an unprivileged user, even when the tests run as root)", async () => {
  const project = writeTree({
    "serverless.yml": "component: scf\nname: hello\ninputs:\n  name: hello\n  src: ./src\n  handler: index.main_handler\n  runtime: Nodejs18.15\n",
    "src/index.js": "exports.main_handler = () => 1;\n",
    "src/secret.txt": { content: "x", mode: 0o000 },
  });
  chmodSync(project, 0o755);
  if (process.getuid?.() !== 0) {
    const error = await packagingError(join(project, "src"));
    assert.match(problemFor(error, "secret.txt"), /^secret\.txt: cannot be read \(permission denied\)\. Make it readable \(chmod u\+r\), or leave it out with the line "secret\.txt" in \.faasboxignore/);
    return;
  }
  // Root reads every file: the built CLI runs as nobody, as a user without the right would
  // (from a copy, since the checkout itself may sit where nobody cannot read).
  const out = join(project, "out");
  mkdirSync(out, { mode: 0o777 });
  chmodSync(out, 0o777);
  for (const bundle of CLI_BUNDLES) copyFileSync(join(REPO_ROOT, "dist", bundle), join(out, bundle));
  const cli = spawnSync(process.execPath, [join(out, "cli.js"), "package", "hello", "--project", project, "--out", join(out, "hello.zip")], {
    cwd: out,
    encoding: "utf8",
    uid: 65534,
    gid: 65534,
    env: { ...process.env, ...CLEAN_CLOUD_ENV, NODE_OPTIONS: "", HOME: out },
  });
  assert.notEqual(cli.status, 0, cli.stdout + cli.stderr);
  assert.match(cli.stderr, /\n  secret\.txt: cannot be read \(permission denied\)\. Make it readable \(chmod u\+r\), or leave it out with the line "secret\.txt" in \.faasboxignore/);
});

test("an ignore file that is a link to a device or a FIFO is an error naming it, not a hang", { skip: process.platform === "win32" && "no mkfifo" }, async () => {
  const root = writeTree({ "index.js": "x", "sub/a.js": "y", ".gitignore": { symlink: "/dev/zero" } });
  execFileSync("mkfifo", [join(root, "sub", ".faasboxignore")]);
  const error = await packagingError(root);
  assert.match(problemFor(error, ".gitignore"), /^\.gitignore: is not a regular file \(or a link to one\), so it cannot be read as an ignore file; replace it with a text file or delete it/);

  rmSync(join(root, ".gitignore"));
  assert.match(problemFor(await packagingError(root), "sub/.faasboxignore"), /is not a regular file/);
});

test("faasbox package on a project with a hostile symlink exits non-zero, names the link and writes no zip", async () => {
  const home = writeTree({ ".aws/credentials": "[default]\naws_secret_access_key = SECRET-FROM-HOME\n" });
  const project = writeTree({
    "serverless.yml": "component: scf\nname: hello\ninputs:\n  name: hello\n  src: ./src\n  handler: index.main_handler\n  runtime: Nodejs18.15\n",
    "src/index.js": "exports.main_handler = async () => 'ok';\n",
    "src/docs/credentials": { symlink: join(home, ".aws", "credentials") },
  });
  const out = join(project, "out", "hello.zip");
  // As a user runs it: the CLI's own entry point in a process of its own.
  const cli = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "emulator", "cli", "main.ts"), "package", "hello", "--project", project, "--out", out], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, ...CLEAN_CLOUD_ENV, NODE_OPTIONS: "" },
  });
  assert.notEqual(cli.status, 0, cli.stdout + cli.stderr);
  assert.match(cli.stderr, /error: hello: nothing was packaged: 1 file in .*src cannot go into the zip/);
  assert.match(cli.stderr, new RegExp(`\\n  docs/credentials: a symlink to ${escape(join(home, ".aws", "credentials"))}, outside the code folder`));
  assert.ok(!existsSync(out), "a zip was written");
  assert.ok(!(cli.stdout + cli.stderr).includes("SECRET-FROM-HOME"));
});

let scf: FakeScf;
before(async () => {
  scf = await new FakeScf({ transitionMs: 50 }).start();
});
after(async () => {
  await scf.close();
});

test("faasbox deploy --dry-run shows which .env files were left out of the zip and why", async () => {
  const project = writeTree({
    "serverless.yml": "component: scf\nname: hello\ninputs:\n  name: hello\n  src: ./src\n  handler: index.main_handler\n  runtime: Nodejs18.15\n  region: ap-guangzhou\n",
    "src/index.js": "exports.main_handler = async () => 'ok';\n",
    "src/.env": "API_KEY=1\n",
  });
  const env = { ...CLEAN_CLOUD_ENV, TENCENTCLOUD_SECRET_ID: SCF_TEST_SECRET_ID, TENCENTCLOUD_SECRET_KEY: SCF_TEST_SECRET_KEY, FAASBOX_SCF_ENDPOINT: scf.url };
  const dry = await capture(() => withEnv(env, () => deployCommand(["hello", "--project", project, "--dry-run"])));
  assert.equal(dry.result, 0, dry.all);
  assert.match(dry.stdout, /code: 1 file, /);
  assert.match(dry.stdout, /\n {2}warning: left out of the zip: \.env: \.env files usually hold secrets .*"!\.env"/);
  assert.match(dry.stdout, /dry run: nothing was changed\n$/);
});
