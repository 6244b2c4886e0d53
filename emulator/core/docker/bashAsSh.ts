import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-fs";

/**
 * The image `imageId` with /bin/sh leading to bash, built once per image id (the engine's list
 * is the cache: `faasbox-sh/<id>:1`). Lambda's runtimes run on Amazon Linux, whose /bin/sh is
 * bash (AL2023's minimal image ships bash as its only shell:
 * https://docs.aws.amazon.com/linux/al2023/ug/barebones-containers.html; the docs do not state
 * the link itself); SCF runs on CentOS 7.6 (https://docs.cloudbase.net/cloud-function/develop/scf-bootstrap,
 * "SCF 系统环境(CentOS 7.6)"), whose /bin/sh is bash too. Debian's is dash, so a bootstrap using
 * `set -o pipefail` or `[[ ]]` would fail here and not in the cloud.
 */
export async function bashAsShImage(docker: Docker, imageId: string): Promise<string> {
  const image = `faasbox-sh/${imageId.replace("sha256:", "").slice(0, 20)}:1`;
  if (await docker.getImage(image).inspect().then(() => true, () => false)) return image;
  const context = mkdtempSync(join(tmpdir(), "faasbox-sh-"));
  try {
    // USER root for the link only; Faasbox sets each container's user itself.
    writeFileSync(join(context, "Dockerfile"), `FROM ${imageId}\nUSER root\nRUN ln -sf bash /bin/sh\n`);
    const stream = await docker.buildImage(pack(context), { t: image, networkmode: "none", rm: true, forcerm: true });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
        const failed = error?.message ?? events?.find((event) => event.error)?.error;
        if (failed) reject(new Error(`making /bin/sh bash in ${imageId} failed: ${failed}`));
        else resolve();
      });
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return image;
}
