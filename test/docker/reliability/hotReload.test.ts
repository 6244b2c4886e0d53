// Hot reload end to end on a real Docker engine: a handler replaced the way editors and git
// replace files runs as new code, and so does every in-place edit after that (the bug was
// that a replaced file was seen once, and later edits of it never reloaded).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../../emulator/core/engine";
import { leftoverContainers, requireDocker } from "../../helpers/docker";
import { waitFor } from "../../helpers/emulator";

const MANIFEST = `functions:
  hello:
    runtime: nodejs20.x
    codeUri: src
    handler: index.handler
`;
/** Per wait: a retire, then a cold start of a fresh container. */
const WAIT_MS = 20_000;

const handler = (version: string) => `exports.handler = async () => ({ version: ${JSON.stringify(version)} });\n`;

function project(): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), "faasbox-hot-reload-"));
  chmodSync(root, 0o755); // like a checkout: readable by the containers' unprivileged user
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "faasbox.yml"), MANIFEST);
  const file = join(root, "src", "index.js");
  writeFileSync(file, handler("v1"));
  return { root, file };
}

async function version(engine: Engine): Promise<string | undefined> {
  const result = await engine.invoke("hello", {});
  return (result.result as { version?: string } | undefined)?.version;
}

async function runs(engine: Engine, expected: string, what: string): Promise<void> {
  await waitFor(async () => (await version(engine)) === expected, `${what}: an invocation returning ${expected}`, WAIT_MS);
}

/** An in-place write, as most editors save: same file, same inode. */
function editInPlace(file: string, next: string): void {
  writeFileSync(file, handler(next));
}

/** Git in the temp project only: no global or system configuration, a fixed identity. */
function git(root: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], {
    cwd: root,
    stdio: "pipe",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_DIR: undefined, GIT_WORK_TREE: undefined },
  });
}

after(async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});

test("rename-replace (vim, JetBrains, sed -i): the new handler runs, and so does each in-place edit after it", async () => {
  await requireDocker();
  const { root, file } = project();
  const engine = await Engine.create({ root, executor: "docker", watch: true });
  try {
    assert.equal(await version(engine), "v1");
    for (const [replaced, edited] of [["v2", "v3"], ["v4", "v5"]]) {
      writeFileSync(`${file}.tmp`, handler(replaced));
      renameSync(`${file}.tmp`, file);
      await runs(engine, replaced, "after a rename-replace");
      editInPlace(file, edited);
      await runs(engine, edited, "after an in-place edit of the replaced file");
    }
  } finally {
    await engine.shutdown();
  }
});

test("git checkout of another branch and back: each branch's handler runs, then an in-place edit", async () => {
  await requireDocker();
  const { root, file } = project();
  git(root, "init", "-q");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "v1");
  git(root, "checkout", "-q", "-b", "feature");
  writeFileSync(file, handler("feature"));
  git(root, "commit", "-q", "-am", "feature");
  git(root, "checkout", "-q", "main");
  const engine = await Engine.create({ root, executor: "docker", watch: true });
  try {
    assert.equal(await version(engine), "v1");
    git(root, "checkout", "-q", "feature");
    await runs(engine, "feature", "after git checkout feature");
    git(root, "checkout", "-q", "main");
    await runs(engine, "v1", "after git checkout main");
    appendFileSync(file, "exports.handler = async () => ({ version: 'edited' });\n");
    await runs(engine, "edited", "after an in-place edit following the checkouts");
  } finally {
    await engine.shutdown();
  }
});
