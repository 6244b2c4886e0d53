import type Docker from "dockerode";
import { LABELS } from "./labels";
import { LAUNCH_STEP_TIMEOUT_MS, within } from "./engineCalls";

/** What a runtime image holds, as a one-off container of it says. */
export interface ImageFacts {
  /** `node --version` without its `v` (`20.20.2`); undefined when the image has no node. */
  node?: string;
  /** `python3 --version` (or `python`'s) number (`3.11.2`). */
  python?: string;
  /** `java -version`'s version (`17.0.15`, `1.8.0_392`). */
  java?: string;
  /** Where /bin/sh leads (`/usr/bin/bash`, `/usr/bin/dash`). */
  sh?: string;
  hasBash: boolean;
}

/** One line per fact, in this order; missing tools print nothing (the script never fails). */
const PROBE_SCRIPT = [
  'echo "sh=$(readlink -f /bin/sh)"',
  'echo "bash=$(command -v bash)"',
  'echo "node=$(node --version 2>/dev/null)"',
  'echo "python=$( (python3 --version || python --version) 2>&1 | head -n 1)"',
  'echo "java=$(java -version 2>&1 | head -n 1)"',
].join("; ");

/**
 * Runs the probe in a container of `image` with no network, no capabilities and a short life,
 * then removes it. Throws when the image cannot start a shell.
 */
export async function probeImage(docker: Docker, image: string, platform?: string): Promise<ImageFacts> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ["/bin/sh", "-c"],
    Cmd: [PROBE_SCRIPT],
    User: "65534:65534",
    Labels: { [LABELS.managed]: "true", [LABELS.project]: "faasbox-image-probe" },
    HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], Memory: 256 * 1024 * 1024, PidsLimit: 64, ReadonlyRootfs: true },
    ...(platform ? { platform } : {}),
  } as Docker.ContainerCreateOptions);
  try {
    await container.start();
    await within(container.wait(), LAUNCH_STEP_TIMEOUT_MS, "the image probe");
    const logs = await container.logs({ stdout: true, stderr: true });
    return parseProbe(demux(logs));
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

export function parseProbe(output: string): ImageFacts {
  const values = new Map<string, string>();
  for (const line of output.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const node = /^v?(\d+\.\d+\.\d+)/.exec(values.get("node") ?? "")?.[1];
  const python = /Python (\d+\.\d+\.\d+)/.exec(values.get("python") ?? "")?.[1];
  const java = /version "([^"]+)"/.exec(values.get("java") ?? "")?.[1];
  return { node, python, java, sh: values.get("sh") || undefined, hasBash: Boolean(values.get("bash")) };
}

/** Without a TTY the engine multiplexes the streams: an 8-byte header before each frame. */
function demux(logs: Buffer): string {
  let output = "";
  for (let offset = 0; offset + 8 <= logs.length; ) {
    const size = logs.readUInt32BE(offset + 4);
    output += logs.subarray(offset + 8, offset + 8 + size).toString("utf8");
    offset += 8 + size;
  }
  return output;
}
