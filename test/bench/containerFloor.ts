import type Docker from "dockerode";
import { LABELS } from "../../emulator/core/docker/labels";

/**
 * The floor any container-based emulator stands on: create + start a container of
 * `image` with host networking until its Node process has run, then remove it.
 */
export async function containerStartFloor(docker: Docker, image: string, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const container = await docker.createContainer({
      Image: image,
      Cmd: ["node", "-e", "0"],
      User: "65534:65534",
      Labels: { [LABELS.managed]: "true", [LABELS.project]: "faasbox-bench" },
      HostConfig: { NetworkMode: "host" },
    });
    await container.start();
    await container.wait();
    samples.push(performance.now() - started);
    await container.remove({ force: true });
  }
  return samples;
}

/**
 * The floor of a burst: `count` containers of `image` created and started at once, as
 * containerStartFloor makes them, until the last has run its `node -e 0`; then removed.
 */
export async function parallelContainerFloor(docker: Docker, image: string, count: number): Promise<number> {
  const started = performance.now();
  const containers = await Promise.all(Array.from({ length: count }, async () => {
    const container = await docker.createContainer({
      Image: image,
      Cmd: ["node", "-e", "0"],
      User: "65534:65534",
      Labels: { [LABELS.managed]: "true", [LABELS.project]: "faasbox-bench" },
      HostConfig: { NetworkMode: "host" },
    });
    await container.start();
    await container.wait();
    return container;
  }));
  const elapsed = performance.now() - started;
  await Promise.all(containers.map((container) => container.remove({ force: true })));
  return elapsed;
}
