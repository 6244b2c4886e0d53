import assert from "node:assert/strict";
import type Docker from "dockerode";
import { connectDocker, describeDockerTarget, pingEngine } from "../../emulator/docker/engine";
import { LABELS } from "../../emulator/docker/labels";

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

/** Containers created by emulators of this test process that are still there. */
export async function leftoverContainers(docker: Docker): Promise<Docker.ContainerInfo[]> {
  const all = await faasboxContainers(docker);
  return all.filter((c) => c.Labels[LABELS.emulator]?.startsWith(`${process.pid}-`));
}
