import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-fs";
import { VAR_LANG_PATHS } from "../runtime/varLang";

/**
 * The image `imageId` with SCF's standard interpreter paths (/var/lang/node18/bin/node,
 * /var/lang/python39/bin/python3.9..., see runtime/varLang.ts) leading to its own node and
 * python3, built once per image id (the engine's list is the cache), as bashAsSh.ts derives its
 * image: a web function's scf_bootstrap calls them by absolute path, and the root file system
 * is read-only at run time.
 */
export async function varLangImage(docker: Docker, imageId: string): Promise<string> {
  const image = `faasbox-varlang/${imageId.replace("sha256:", "").slice(0, 20)}:1`;
  if (await docker.getImage(image).inspect().then(() => true, () => false)) return image;
  const context = mkdtempSync(join(tmpdir(), "faasbox-varlang-"));
  const links = (command: string, paths: readonly string[]) =>
    `if target=$(command -v ${command}); then for p in ${paths.join(" ")}; do mkdir -p "\${p%/*}"; ln -sf "$target" "$p"; done; fi`;
  try {
    // USER root for the links only; Faasbox sets each container's user itself.
    writeFileSync(join(context, "Dockerfile"), `FROM ${imageId}\nUSER root\nRUN ${links("node", VAR_LANG_PATHS.node)}; ${links("python3", VAR_LANG_PATHS.python)}; true\n`);
    const stream = await docker.buildImage(pack(context), { t: image, networkmode: "none", rm: true, forcerm: true });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
        const failed = error?.message ?? events?.find((event) => event.error)?.error;
        if (failed) reject(new Error(`adding SCF's /var/lang paths to ${imageId} failed: ${failed}`));
        else resolve();
      });
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return image;
}
