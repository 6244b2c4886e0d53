import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yauzl from "yauzl";
import { CLI_BUNDLES, REPO_ROOT } from "../helpers/paths";

function zipEntries(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on("end", () => resolve(names));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

test("npm run package makes a .vsix under 5 MB with the bundles, media and documents only", { timeout: 120_000 }, async () => {
  execFileSync("npm", ["run", "package"], { cwd: REPO_ROOT, stdio: "pipe" });
  const vsix = join(REPO_ROOT, "dist", "faasbox.vsix");
  assert.ok(statSync(vsix).size < 5 * 1024 * 1024, `${vsix} is ${statSync(vsix).size} bytes`);
  const files = (await zipEntries(vsix)).filter((f) => f.startsWith("extension/")).map((f) => f.slice("extension/".length));
  for (const required of ["package.json", "readme.md", "LICENSE.txt", "changelog.md", "dist/extension.js", "dist/emulator.js", "dist/cli.js", "dist/cli-client.js", "dist/cli-engine.js", "dist/cli-deploy.js", "dist/cli-database.js", "dist/cli-aws-credentials.js", "dist/cli-docker-session.js", "dist/shims/node/bootstrap.js", "dist/agent/faasbox-agent-amd64", "dist/agent/faasbox-agent-arm64", "media/icon.png"]) {
    assert.ok(files.some((f) => f.toLowerCase() === required.toLowerCase()), `${required} missing from the .vsix: ${files.join(", ")}`);
  }
  assert.deepEqual(files.filter((f) => f.endsWith(".ts") || f.startsWith("test/") || f.endsWith(".map") || f.startsWith("node_modules/")), []);
});

test("the bundled CLI runs without node_modules, as it does from an installed .vsix", () => {
  const alone = mkdtempSync(join(tmpdir(), "faasbox-bundle-"));
  for (const bundle of CLI_BUNDLES) copyFileSync(join(REPO_ROOT, "dist", bundle), join(alone, bundle));
  const version = spawnSync(process.execPath, [join(alone, "cli.js"), "--version"], { encoding: "utf8" });
  assert.equal(version.status, 0, version.stderr);
  const doctor = spawnSync(process.execPath, [join(alone, "cli.js"), "doctor"], { encoding: "utf8", env: { ...process.env, DOCKER_HOST: "unix:///nonexistent.sock" } });
  assert.equal(doctor.status, 1, doctor.stderr);
  assert.match(doctor.stdout, /no engine answers at unix:\/\/\/nonexistent\.sock/);
});
