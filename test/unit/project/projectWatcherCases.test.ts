// Hot reload against every way editors, build tools and git write files. The bug this
// guards against: a save that REPLACED a file was seen once, and from then on in-place
// edits of that file were lost. So every case is followed by more edits, which must be
// seen too, and each reports exactly the functions whose code folder changed.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ProjectWatcher } from "../../../emulator/project/projectWatcher";
import { load, NODE_HANDLER, writeProject } from "./projectFiles";

const SAM_TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: services/orders
      Handler: index.handler
      Runtime: nodejs20.x
`;

/** Code folders: two plain ones, build output (dist), a SAM function's, and one outside the project (its own watch root). */
function faasboxYml(outside: string): string {
  return `functions:
  api:
    runtime: nodejs20.x
    codeUri: src/api
    handler: index.handler
  web:
    runtime: nodejs20.x
    codeUri: src/web
    handler: index.handler
  built:
    runtime: nodejs20.x
    codeUri: dist
    handler: index.handler
  shared:
    runtime: nodejs20.x
    codeUri: ${outside}
    handler: index.handler
`;
}

const ALL_FUNCTIONS = ["api", "built", "orders", "shared", "web"];

interface Seen {
  code: Set<string>;
  manifest: number;
}

/** A temp project with a watcher on it, wired like the Engine: a manifest change reloads and re-scopes the watcher. */
class Watched {
  private constructor(
    /** What the watcher reported since the last expect(). */
    readonly seen: Seen,
    readonly root: string,
    /** The `shared` function's code folder, outside the project. */
    readonly outside: string,
    /** Somewhere else to move folders from and to. */
    readonly elsewhere: string,
    private readonly watcher: ProjectWatcher,
  ) {}

  static async start(prepare?: (root: string) => void): Promise<Watched> {
    const base = realpathSync(mkdtempSync(join(tmpdir(), "faasbox-watch-")));
    const outside = join(base, "shared");
    const elsewhere = join(base, "elsewhere");
    mkdirSync(elsewhere);
    mkdirSync(outside);
    writeFileSync(join(outside, "index.js"), NODE_HANDLER);
    const root = writeProject({
      "faasbox.yml": faasboxYml(outside),
      "template.yaml": SAM_TEMPLATE,
      "src/api/index.js": NODE_HANDLER,
      "src/web/index.js": NODE_HANDLER,
      "dist/index.js": NODE_HANDLER,
      "services/orders/index.js": NODE_HANDLER,
    });
    prepare?.(root);
    const { project, problems } = load(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(project.functions.map((f) => f.name).sort(), ALL_FUNCTIONS);
    const seen: Seen = { code: new Set(), manifest: 0 };
    const watcher: ProjectWatcher = new ProjectWatcher(project, {
      onManifestChange: () => {
        seen.manifest++;
        watcher.update(load(root).project);
      },
      onCodeChange: (names) => names.forEach((name) => seen.code.add(name)),
    });
    await watcher.ready();
    return new Watched(seen, root, outside, elsewhere, watcher);
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /**
   * Waits until the watcher reported `code` (and a manifest change when `manifest`), then a
   * little longer for anything it should not report; asserts exactly that, and forgets it.
   */
  async expect(what: string, code: string[], manifest = false): Promise<void> {
    const deadline = Date.now() + 5000;
    const done = () => code.every((name) => this.seen.code.has(name)) && (!manifest || this.seen.manifest > 0);
    while (!done()) {
      if (Date.now() > deadline) break;
      await sleep(20);
    }
    // Longer than the watcher's debounce plus chokidar's wait for an unlink's re-add.
    await sleep(400);
    const got = { code: [...this.seen.code].sort(), manifest: this.seen.manifest > 0 };
    assert.deepEqual(got, { code: [...code].sort(), manifest }, `after ${what}`);
    this.seen.code.clear();
    this.seen.manifest = 0;
  }

  /** The follow-up that the original bug lost: a plain write to the same file. */
  async editInPlace(relative: string, fn: string): Promise<void> {
    appendFileSync(this.file(relative), `// edited in place ${Date.now()}\n`);
    await this.expect(`an in-place edit of ${relative}`, [fn]);
  }

  close(): void {
    this.watcher.close();
  }

  private file(relative: string): string {
    return relative.startsWith("/") ? relative : this.path(relative);
  }
}

async function withProject(body: (p: Watched) => Promise<void>, prepare?: (root: string) => void): Promise<void> {
  const project = await Watched.start(prepare);
  try {
    await body(project);
  } finally {
    project.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Writes `content` to a temporary file beside `file`, then renames it over `file` (vim, JetBrains, most atomic writers). */
function renameReplace(file: string, content: string, tmpName = `.${Date.now()}.tmp`): void {
  const tmp = join(dirname(file), tmpName);
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Git in the temp project only: no global or system configuration, a fixed identity. */
function git(root: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], {
    cwd: root,
    stdio: "pipe",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_DIR: undefined, GIT_WORK_TREE: undefined },
  });
}

describe("the watcher sees every way a file is written, and every edit after it", { concurrency: true }, () => {
  test("in-place writes", () =>
    withProject(async (p) => {
      writeFileSync(p.path("src/api/index.js"), NODE_HANDLER + "// v2\n");
      await p.expect("an in-place write", ["api"]);
      writeFileSync(p.path("src/web/index.js"), NODE_HANDLER + "// v2\n");
      await p.expect("an in-place write of another function", ["web"]);
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("rename-replace: write a temp file, rename it over the file (vim, JetBrains)", () =>
    withProject(async (p) => {
      renameReplace(p.path("src/api/index.js"), NODE_HANDLER + "// v2\n");
      await p.expect("a rename-replace", ["api"]);
      renameReplace(p.path("src/api/index.js"), NODE_HANDLER + "// v3\n");
      await p.expect("a second rename-replace", ["api"]);
      await p.editInPlace("src/api/index.js", "api");
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("vim's default write: rename the file to a backup, write a new one, delete the backup", () =>
    withProject(async (p) => {
      for (const version of ["v2", "v3"]) {
        const file = p.path("src/api/index.js");
        writeFileSync(p.path("src/api/4913"), ""); // vim probes whether it may create files here
        unlinkSync(p.path("src/api/4913"));
        renameSync(file, `${file}~`);
        writeFileSync(file, NODE_HANDLER + `// ${version}\n`);
        unlinkSync(`${file}~`);
        await p.expect(`vim's write of ${version}`, ["api"]);
      }
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("sed -i (a temp file renamed over the original)", () =>
    withProject(async (p) => {
      execFileSync("sed", ["-i", "s/'ok'/'v2'/", p.path("src/api/index.js")]);
      await p.expect("sed -i", ["api"]);
      execFileSync("sed", ["-i", "s/'v2'/'v3'/", p.path("src/api/index.js")]);
      await p.expect("a second sed -i", ["api"]);
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("delete, then create the same file", () =>
    withProject(async (p) => {
      unlinkSync(p.path("src/api/index.js"));
      await p.expect("the delete", ["api"]);
      writeFileSync(p.path("src/api/index.js"), NODE_HANDLER + "// recreated\n");
      await p.expect("the re-create", ["api"]);
      // And both at once, as a tool that regenerates a file does.
      unlinkSync(p.path("src/api/index.js"));
      writeFileSync(p.path("src/api/index.js"), NODE_HANDLER + "// recreated again\n");
      await p.expect("a delete and create together", ["api"]);
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("a new file in a code folder, then edits of it and of the old ones", () =>
    withProject(async (p) => {
      writeFileSync(p.path("src/api/util.js"), "module.exports = 1;\n");
      await p.expect("a new file", ["api"]);
      await p.editInPlace("src/api/util.js", "api");
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("a subfolder with files created, edited and deleted", () =>
    withProject(async (p) => {
      mkdirSync(p.path("src/api/lib/deep"), { recursive: true });
      writeFileSync(p.path("src/api/lib/a.js"), "module.exports = 'a';\n");
      writeFileSync(p.path("src/api/lib/deep/b.js"), "module.exports = 'b';\n");
      await p.expect("a new subfolder", ["api"]);
      await p.editInPlace("src/api/lib/deep/b.js", "api");
      rmSync(p.path("src/api/lib"), { recursive: true });
      await p.expect("the subfolder's deletion", ["api"]);
      mkdirSync(p.path("src/api/lib"));
      writeFileSync(p.path("src/api/lib/a.js"), "module.exports = 'a2';\n");
      await p.expect("the subfolder made again", ["api"]);
      await p.editInPlace("src/api/lib/a.js", "api");
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("a folder moved into a code folder and out again", () =>
    withProject(async (p) => {
      const away = join(p.elsewhere, "helpers");
      mkdirSync(join(away, "nested"), { recursive: true });
      writeFileSync(join(away, "h.js"), "module.exports = 'h';\n");
      writeFileSync(join(away, "nested", "n.js"), "module.exports = 'n';\n");
      renameSync(away, p.path("src/api/helpers"));
      await p.expect("a folder moved in", ["api"]);
      await p.editInPlace("src/api/helpers/nested/n.js", "api");
      renameSync(p.path("src/api/helpers"), away);
      await p.expect("the folder moved out", ["api"]);
      appendFileSync(join(away, "h.js"), "// edited where it went\n");
      await p.expect("an edit of the moved-out folder", []);
      // Moved between two functions' folders: both changed.
      renameSync(away, p.path("src/web/helpers"));
      await p.expect("a folder moved into web", ["web"]);
      renameSync(p.path("src/web/helpers"), p.path("src/api/helpers"));
      await p.expect("the folder moved from web to api", ["api", "web"]);
      await p.editInPlace("src/api/helpers/h.js", "api");
      await p.editInPlace("src/web/index.js", "web");
    }));

  test("git checkout of another branch that changes the handler, back and forth", () =>
    withProject(
      async (p) => {
        git(p.root, "checkout", "-q", "feature");
        await p.expect("git checkout feature", ["api"]);
        git(p.root, "checkout", "-q", "main");
        await p.expect("git checkout main", ["api"]);
        git(p.root, "checkout", "-q", "feature");
        await p.expect("git checkout feature again", ["api"]);
        await p.editInPlace("src/api/index.js", "api");
      },
      (root) => {
        git(root, "init", "-q");
        git(root, "add", "-A");
        git(root, "commit", "-q", "-m", "main");
        git(root, "checkout", "-q", "-b", "feature");
        writeFileSync(join(root, "src/api/index.js"), "exports.handler = async () => 'feature';\n");
        git(root, "commit", "-q", "-am", "feature");
        git(root, "checkout", "-q", "main");
      },
    ));

  test("faasbox.yml and template.yaml replaced by rename", () =>
    withProject(async (p) => {
      const faasbox = p.path("faasbox.yml");
      renameReplace(faasbox, faasboxYml(p.outside) + "# replaced\n");
      await p.expect("faasbox.yml replaced", [], true);
      renameReplace(p.path("template.yaml"), SAM_TEMPLATE + "# replaced\n");
      await p.expect("template.yaml replaced", [], true);
      appendFileSync(faasbox, "# edited in place\n");
      await p.expect("an in-place edit of faasbox.yml", [], true);
      appendFileSync(p.path("template.yaml"), "# edited in place\n");
      await p.expect("an in-place edit of template.yaml", [], true);
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("an editor's atomic save of a manifest (JetBrains safe write: tmp, old, swap, delete)", () =>
    withProject(async (p) => {
      for (const name of ["faasbox.yml", "template.yaml"]) {
        const file = p.path(name);
        const content = name === "faasbox.yml" ? faasboxYml(p.outside) : SAM_TEMPLATE;
        writeFileSync(`${file}___jb_tmp___`, content + "# saved\n");
        renameSync(file, `${file}___jb_old___`);
        renameSync(`${file}___jb_tmp___`, file);
        unlinkSync(`${file}___jb_old___`);
        await p.expect(`the atomic save of ${name}`, [], true);
        appendFileSync(file, "# edited in place\n");
        await p.expect(`an in-place edit of ${name}`, [], true);
      }
      await p.editInPlace("services/orders/index.js", "orders");
    }));

  test("a build output folder that is a code folder, removed and rebuilt (rm -rf dist && tsc)", () =>
    withProject(async (p) => {
      for (const version of ["v2", "v3"]) {
        rmSync(p.path("dist"), { recursive: true });
        mkdirSync(p.path("dist/lib"), { recursive: true });
        writeFileSync(p.path("dist/index.js"), NODE_HANDLER + `// ${version}\n`);
        writeFileSync(p.path("dist/lib/util.js"), `module.exports = '${version}';\n`);
        await p.expect(`a rebuild (${version})`, ["built"]);
      }
      await p.editInPlace("dist/index.js", "built");
      // A slower build: dist is gone for a while before the compiler writes it again.
      rmSync(p.path("dist"), { recursive: true });
      await p.expect("dist removed", ["built"]);
      mkdirSync(p.path("dist/lib"), { recursive: true });
      writeFileSync(p.path("dist/index.js"), NODE_HANDLER + "// v4\n");
      writeFileSync(p.path("dist/lib/util.js"), "module.exports = 'v4';\n");
      await p.expect("dist built again", ["built"]);
      await p.editInPlace("dist/index.js", "built");
      await p.editInPlace("dist/lib/util.js", "built");
    }));

  test("a code folder swapped for a new one by rename", () =>
    withProject(async (p) => {
      for (const version of ["v2", "v3"]) {
        mkdirSync(p.path("src/api.next"));
        writeFileSync(p.path("src/api.next/index.js"), NODE_HANDLER + `// ${version}\n`);
        renameSync(p.path("src/api"), p.path("src/api.old"));
        renameSync(p.path("src/api.next"), p.path("src/api"));
        rmSync(p.path("src/api.old"), { recursive: true });
        await p.expect(`the swap to ${version}`, ["api"]);
      }
      await p.editInPlace("src/api/index.js", "api");
    }));

  test("a watched root (a code folder outside the project) deleted and made again, or swapped by rename", () =>
    withProject(async (p) => {
      const index = join(p.outside, "index.js");
      rmSync(p.outside, { recursive: true });
      mkdirSync(p.outside);
      writeFileSync(index, NODE_HANDLER + "// rebuilt\n");
      await p.expect("the outside folder made again", ["shared"]);
      await p.editInPlace(index, "shared");
      const next = `${p.outside}.next`;
      mkdirSync(next);
      writeFileSync(join(next, "index.js"), NODE_HANDLER + "// swapped\n");
      renameSync(p.outside, `${p.outside}.old`);
      renameSync(next, p.outside);
      await p.expect("the outside folder swapped", ["shared"]);
      await p.editInPlace(index, "shared");
      // A gap: the folder is gone for a while before it comes back.
      rmSync(p.outside, { recursive: true });
      await p.expect("the outside folder deleted", ["shared"]);
      mkdirSync(p.outside);
      writeFileSync(index, NODE_HANDLER + "// back\n");
      await p.expect("the outside folder back after a gap", ["shared"]);
      await p.editInPlace(index, "shared");
      await p.editInPlace("src/api/index.js", "api");
    }));
});
