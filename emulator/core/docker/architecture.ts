import type Docker from "dockerode";
import { LAUNCH_STEP_TIMEOUT_MS, within } from "./engineCalls";

export type Architecture = "x86_64" | "arm64";

/** How a function that declares `wanted` runs here: the platform to ask the engine for, or why it cannot. */
export interface ArchitectureChoice {
  platform?: string;
  notice?: string;
}

/**
 * SAM's `Architectures: [arm64]` and serverless.yml's `architecture: arm64` run Lambda's Graviton
 * sandboxes (https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html). Here a function
 * runs on arm64 when its image is an arm64 one: natively on an arm64 engine, or through QEMU's
 * binfmt handlers on another (whether they are registered shows when the image's probe runs).
 * Otherwise it runs on the image's architecture and says so. x86_64 (the default) is never
 * forced: an amd64 image on an arm64 engine runs as the engine can.
 */
export async function architectureFor(docker: Docker, wanted: Architecture | undefined, image: string, functionName: string): Promise<ArchitectureChoice> {
  if (wanted !== "arm64") return {};
  const { Architecture: imageArch } = (await docker.getImage(image).inspect()) as { Architecture?: string };
  if (imageArch === "arm64") return { platform: "linux/arm64" };
  const engineArch = await within(docker.version() as Promise<{ Arch?: string }>, LAUNCH_STEP_TIMEOUT_MS, "docker version").then((v) => v.Arch ?? "unknown", () => "unknown");
  const emulation = engineArch === "arm64" ? "" : `, and this ${engineArch} engine would run one only with QEMU's binfmt handlers registered`;
  return { notice: `faasbox: ${functionName} declares arm64 but runs on ${imageArch ?? "unknown"} here: the image ${image} on this engine is not an arm64 one (an arm64 image needs a registry or an arm64 build${emulation}); native dependencies built for arm64 will not load` };
}

/** The probe of an arm64 image failed on an engine of another architecture: no emulation here. */
export function noEmulationNotice(functionName: string, image: string, error: string): string {
  return `faasbox: ${functionName} declares arm64 but runs on amd64 here: the arm64 image ${image} cannot start on this engine (${error}); register QEMU's binfmt handlers (e.g. the Debian package qemu-user-static) to run it`;
}
