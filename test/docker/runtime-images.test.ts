import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type Docker from "dockerode";
import { resolveImages } from "../../emulator/config/images";
import { LABELS } from "../../emulator/core/docker/labels";
import { faasboxContainers, requireDocker } from "../helpers/docker";

const TEST_LABEL = `${LABELS.project}=faasbox-test-runtime-images`;
let docker: Docker;

before(async () => {
  docker = await requireDocker();
});

/** Runs a command in a fresh, limited, non-root container of `image` and returns its output. */
async function runInContainer(image: string, cmd: string[]): Promise<{ exitCode: number; output: string }> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: cmd,
    User: "65534:65534",
    Labels: { [LABELS.managed]: "true", [LABELS.project]: "faasbox-test-runtime-images" },
    HostConfig: { NetworkMode: "none", Memory: 128 * 1024 * 1024, PidsLimit: 64, ReadonlyRootfs: true },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    // Without a TTY the engine multiplexes streams: 8-byte headers before each frame.
    let output = "";
    for (let offset = 0; offset + 8 <= logs.length; ) {
      const size = logs.readUInt32BE(offset + 4);
      output += logs.subarray(offset + 8, offset + 8 + size).toString("utf8");
      offset += 8 + size;
    }
    return { exitCode: StatusCode, output };
  } finally {
    await container.remove({ force: true });
  }
}

for (const family of ["nodejs", "python"] as const) {
  test(`the ${family} runtime image is present and runs its interpreter as a non-root user`, async () => {
    const { image } = resolveImages()[family];
    await assert.doesNotReject(docker.getImage(image).inspect(), `image ${image} missing: run 'npm run setup'`);
    const cmd = family === "nodejs"
      ? ["node", "-e", "console.log(`node ${process.versions.node} uid=${process.getuid()}`)"]
      : ["python3", "-c", "import os, sys; print(f'python {sys.version_info[0]}.{sys.version_info[1]} uid={os.getuid()}')"];
    const { exitCode, output } = await runInContainer(image, cmd);
    assert.equal(exitCode, 0, output);
    assert.match(output, family === "nodejs" ? /^node \d+\.\d+\.\d+ uid=65534$/m : /^python 3\.\d+ uid=65534$/m);
  });
}

after(async () => {
  const left = await faasboxContainers(docker, [TEST_LABEL]);
  assert.deepEqual(left.map((c) => c.Id), [], "containers labelled as Faasbox's were left behind");
});
