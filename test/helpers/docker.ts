import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { connectDocker, describeDockerTarget, pingEngine } from "../../emulator/core/docker/engine";
import { LABELS, PROCESS_TOKEN } from "../../emulator/core/docker/labels";
import { resolveImages } from "../../emulator/config/images";

/**
 * The Docker engine for a test tier that needs one. Never skips: without an engine the
 * tier fails and says how to get one.
 */
export async function requireDocker(): Promise<Docker> {
  const docker = connectDocker();
  try {
    await pingEngine(docker);
  } catch (error) {
    assert.fail(`the docker tier needs a Docker engine at ${describeDockerTarget()}: ${(error as Error).message}. Run 'npm run setup'.`);
  }
  return docker;
}

/** Containers labelled as Faasbox's, optionally narrowed by more label filters. */
export async function faasboxContainers(docker: Docker, extra: string[] = []): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, ...extra] } });
}

/** Containers created by emulators of this test process (their sessions start with its token) that are still there. */
export async function leftoverContainers(docker: Docker): Promise<Docker.ContainerInfo[]> {
  const all = await faasboxContainers(docker);
  return all.filter((c) => c.Labels[LABELS.session]?.startsWith(`${PROCESS_TOKEN}-`));
}

/**
 * The Python runtime image with its debugpy removed, as the public python images come:
 * made once per base image by committing a container, so no registry or build is needed.
 */
export async function pythonImageWithoutDebugpy(docker: Docker): Promise<string> {
  const base = resolveImages().python.image;
  const { Id } = await docker.getImage(base).inspect();
  const tag = `debugpy-removed-${Id.replace("sha256:", "").slice(0, 12)}`;
  const repo = "faasbox-test/python";
  const image = `${repo}:${tag}`;
  if (await docker.getImage(image).inspect().then(() => true, () => false)) return image;
  const container = await docker.createContainer({
    Image: base,
    User: "0",
    Cmd: ["sh", "-c", "python3 -c 'import debugpy, os; print(os.path.dirname(debugpy.__file__))' 2>/dev/null | xargs -r rm -rf"],
    HostConfig: { NetworkMode: "none" },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    assert.equal(StatusCode, 0, `removing debugpy from ${base} failed`);
    await container.commit({ repo, tag });
  } finally {
    await container.remove({ force: true });
  }
  return image;
}

/** A debugpy folder outside any image, as the editor's Python Debugger extension lends one (npm run setup fills it). */
export function lendableDebugpy(): string {
  const dir = join(process.env.FAASBOX_CACHE ?? join(homedir(), ".cache", "faasbox"), "debugpy");
  assert.ok(existsSync(join(dir, "debugpy", "__init__.py")), `no debugpy in ${dir}: run 'npm run setup', which fills it`);
  return dir;
}
