// Code without bind mounts: what a remote engine needs, checked on the local one.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { resolveImages } from "../../emulator/config/images";
import { copyInto, engineSeesPath, volumeFor } from "../../emulator/core/docker/codeTransfer";
import { requireDocker } from "../helpers/docker";

const created: Docker.Container[] = [];
after(async () => {
  for (const container of created) await container.remove({ force: true, v: true }).catch(() => undefined);
});

/**
 * Copies `dir` into a fresh container's /var/task volume, as a remote engine gets code, runs
 * `script` there as an unprivileged user on a read-only root, and returns its output.
 */
async function runOnCopy(docker: Docker, dir: string, script: string): Promise<{ container: Docker.Container; text: string }> {
  const container = await docker.createContainer({
    Image: resolveImages().nodejs.image,
    Cmd: ["/bin/sh", "-c", script],
    User: "1234567890:65534",
    HostConfig: { NetworkMode: "none", ReadonlyRootfs: true, Mounts: [volumeFor("/var/task")] },
  });
  created.push(container);
  await copyInto(container, dir, "/var/task");
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const stream = await container.attach({ stream: true, stdout: true, stderr: true });
  container.modem.demuxStream(stream, output, output);
  await container.start();
  await container.wait();
  await new Promise((r) => setTimeout(r, 100)); // the last output may trail the exit
  return { container, text };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-transfer-"));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "lib"));
  writeFileSync(join(dir, "index.js"), "exports.handler = async () => 'copied';\n");
  writeFileSync(join(dir, "lib", "data.txt"), "nested\n");
  return dir;
}

test("the local engine sees this machine's folders (the probe finds the marker only this process wrote)", async () => {
  const docker = await requireDocker();
  assert.equal(await engineSeesPath(docker, resolveImages().nodejs.image, project()), true);
});

test("code copied through the archive API into a volume: the runtime reads it as an unprivileged user, with no bind mount", async () => {
  const docker = await requireDocker();
  const dir = project();
  const { container, text } = await runOnCopy(docker, dir, "cat /var/task/index.js /var/task/lib/data.txt; touch /var/task/x 2>/dev/null && echo writable || echo read-only");
  assert.match(text, /exports\.handler = async \(\) => 'copied';/);
  assert.match(text, /nested/);
  assert.match(text, /read-only/, "the code belongs to root: the runtime cannot change it");
  const info = await container.inspect();
  assert.deepEqual(info.HostConfig.Binds ?? [], [], "no host path is mounted");
  assert.ok(info.Mounts.every((m) => m.Type === "volume"));
});

test("links travel as links, never as what they point to; one leading out of the folder stays behind instead of failing the copy", async () => {
  const docker = await requireDocker();
  const dir = project();
  const secret = join(mkdtempSync(join(tmpdir(), "faasbox-secret-")), "key");
  writeFileSync(secret, "host secret\n");
  symlinkSync("data.txt", join(dir, "lib", "alias.txt")); // inside: kept, and works
  symlinkSync(secret, join(dir, "absolute-key")); // absolute: a path in the container, where nothing is
  symlinkSync(join("..", "..", basename(dirname(secret)), "key"), join(dir, "lib", "escaping-key")); // relative, out of the folder
  const { text } = await runOnCopy(docker, dir, "cat /var/task/lib/alias.txt; readlink /var/task/absolute-key; cat /var/task/absolute-key 2>/dev/null || echo no-secret; ls /var/task/lib");
  assert.equal(text, `nested\n${secret}\nno-secret\nalias.txt\ndata.txt\n`);
});
