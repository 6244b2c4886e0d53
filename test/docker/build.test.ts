// `faasbox build` as a user runs it: dependencies installed in the function's runtime image
// (npm from the registry; pip from a local wheel folder, since no Python index is reachable
// here), then the function invoked through the emulator running the build output.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCliAsync } from "../helpers/cli";
import { requireDocker } from "../helpers/docker";

/** A project in a fresh folder, readable by the containers' unprivileged user as a checkout is. */
function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "faasbox-build-"));
  chmodSync(root, 0o755);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/**
 * A minimal valid wheel (https://packaging.python.org/en/latest/specifications/binary-distribution-format/):
 * the package, and METADATA, WHEEL and RECORD (with each file's sha256) in its .dist-info,
 * written with Python's zipfile.
 */
function writeWheel(folder: string): void {
  const script = String.raw`
import base64, hashlib, sys, zipfile
files = {
  "faasbox_tiny/__init__.py": "def greet(name):\n    return 'hello ' + name\n",
  "faasbox_tiny-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: faasbox-tiny\nVersion: 1.0\n",
  "faasbox_tiny-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: faasbox-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
with zipfile.ZipFile(sys.argv[1] + "/faasbox_tiny-1.0-py3-none-any.whl", "w") as wheel:
    for path, text in files.items():
        data = text.encode()
        wheel.writestr(path, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append("faasbox_tiny-1.0.dist-info/RECORD,,")
    wheel.writestr("faasbox_tiny-1.0.dist-info/RECORD", "\n".join(record) + "\n")
`;
  const result = spawnSync("python3", ["-c", script, folder], { encoding: "utf8" });
  assert.equal(result.status, 0, `writing the test wheel with python3 failed: ${result.stderr ?? result.error?.message}`);
}

const OFFLINE_PIP = { PIP_NO_INDEX: "1" };

describe("faasbox build", () => {
  before(async () => {
    await requireDocker();
  });

  test("a Node function's npm dependency is installed into .faasbox/build and the emulator runs it; before that the failure says what to run", async () => {
    const root = writeProject({
      "faasbox.yml": "functions:\n  days:\n    runtime: nodejs20.x\n    handler: index.handler\n    codeUri: ./fn\n",
      "fn/package.json": JSON.stringify({ name: "days", version: "1.0.0", dependencies: { ms: "2.1.3" } }),
      "fn/index.js": "const ms = require('ms');\nexports.handler = async () => ({ twoDays: ms('2 days') });\n",
    });
    const before = await runCliAsync(["invoke", "days", "--project", root]);
    assert.notEqual(before.status, 0);
    assert.match(before.stderr, /warning: .*fn\/package\.json:1: dependencies: days: dependency not installed: ms; .*Run: faasbox build days/);
    assert.match(before.stderr, /ms is listed in package\.json but not installed where days runs: run faasbox build days/);

    const build = await runCliAsync(["build", "--project", root]);
    assert.equal(build.status, 0, `${build.stdout}\n${build.stderr}`);
    assert.match(build.stdout, /days: npm install --omit=dev in /);
    assert.match(build.stdout, /days: built into \.faasbox\/build\/days/);
    const installed = join(root, ".faasbox", "build", "days", "node_modules", "ms", "package.json");
    assert.ok(existsSync(installed), build.stdout);
    // Written as the user who ran the build, not as the container's root.
    assert.equal(statSync(installed).uid, process.getuid?.());
    // The sources are left as they were.
    assert.equal(existsSync(join(root, "fn", "node_modules")), false);

    const invoke = await runCliAsync(["invoke", "days", "--project", root]);
    assert.equal(invoke.status, 0, invoke.stderr);
    assert.deepEqual(JSON.parse(invoke.stdout), { twoDays: 172_800_000 });
  });

  test("a Python requirement found only in a local wheel folder (--pip-find-links, PIP_NO_INDEX=1) is installed and imported", async () => {
    const root = writeProject({
      "faasbox.yml": "functions:\n  greet:\n    runtime: python3.11\n    handler: app.handler\n    codeUri: ./py\n",
      "py/requirements.txt": "# from the local wheel folder\nfaasbox-tiny==1.0\n",
      "py/app.py": "import faasbox_tiny\n\ndef handler(event, context):\n    return faasbox_tiny.greet('local')\n",
    });
    const wheels = join(root, "wheels");
    mkdirSync(wheels);
    writeWheel(wheels);
    const build = await runCliAsync(["build", "greet", "--project", root, "--pip-find-links", wheels], OFFLINE_PIP);
    assert.equal(build.status, 0, `${build.stdout}\n${build.stderr}`);
    assert.match(build.stdout, /greet: pip install -r requirements\.txt --target \. --find-links DIR in /);
    assert.ok(existsSync(join(root, ".faasbox", "build", "greet", "faasbox_tiny", "__init__.py")));

    const invoke = await runCliAsync(["invoke", "greet", "--project", root]);
    assert.equal(invoke.status, 0, invoke.stderr);
    assert.equal(JSON.parse(invoke.stdout), "hello local");
  });

  test("a failing install names the function, the command and its last lines, exits 1 and leaves no build", async () => {
    const root = writeProject({
      "faasbox.yml": "functions:\n  broken:\n    runtime: python3.11\n    handler: app.handler\n    codeUri: ./py\n",
      "py/requirements.txt": "faasbox-not-anywhere==9.9\n",
      "py/app.py": "def handler(event, context):\n    return 1\n",
    });
    const wheels = join(root, "wheels");
    mkdirSync(wheels);
    const build = await runCliAsync(["build", "--project", root, "--pip-find-links", wheels], OFFLINE_PIP);
    assert.equal(build.status, 1, build.stdout);
    assert.match(build.stderr, /error: broken: pip install -r requirements\.txt --target \. --find-links DIR failed in .* \(exit status 1\); its last lines:\n.*faasbox-not-anywhere/s);
    assert.equal(existsSync(join(root, ".faasbox", "build", "broken")), false);
    assert.deepEqual(readFileSync(join(root, "py", "requirements.txt"), "utf8"), "faasbox-not-anywhere==9.9\n");
  });
});
