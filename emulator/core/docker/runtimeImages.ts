import type Docker from "dockerode";
import type { ImageChoice } from "../../config/images";
import type { DeclaredRuntime } from "../../config/runtimeVersions";
import type { ChosenImage, ImageRequest } from "../executors/executor";
import { bashAsShImage } from "./bashAsSh";
import { probeImage, type ImageFacts } from "./imageProbe";
import { pullImage } from "./imagePull";
import { versionNotice, type Unavailable } from "../runtime/runtimeNotice";
import { architectureFor, noEmulationNotice } from "./architecture";

interface PreparedRuntimeImage {
  image: string;
  facts?: ImageFacts;
  /** Why the image's facts are unknown (the probe failed). */
  probeError?: string;
}

/**
 * Chooses the image each function runs on from its candidates (config/images.ts), pulling a
 * missing one once, learns the version it runs (cached per image id) and gives images whose
 * /bin/sh is not bash a derived one where it is.
 */
export class RuntimeImages {
  private readonly pulls = new Map<string, Promise<void>>();
  private readonly prepared = new Map<string, Promise<PreparedRuntimeImage>>();

  constructor(private readonly docker: Docker) {}

  async choose(request: ImageRequest, say: (line: string) => void): Promise<ChosenImage> {
    const wantedPlatform = request.architecture === "arm64" ? "linux/arm64" : undefined;
    const unavailable: Unavailable[] = [];
    let chosen: ImageChoice | undefined;
    for (const candidate of request.candidates) {
      const problem = await this.have(candidate.image, say, wantedPlatform);
      if (!problem) {
        chosen = candidate;
        break;
      }
      unavailable.push({ image: candidate.image, reason: problem });
    }
    if (!chosen) {
      throw new Error(`no image for ${request.runtime} on this Docker engine: ${unavailable.map((u) => `${u.image} ${u.reason}`).join("; ")}; pull one, or run 'npm run setup'`);
    }
    const arch = await architectureFor(this.docker, request.architecture, chosen.image, request.functionName);
    let prepared = await this.prepare(chosen.image, arch.platform);
    const notices: string[] = [];
    if (arch.notice) notices.push(arch.notice);
    if (arch.platform && prepared.probeError) {
      // The arm64 image does not start here: run the engine's own architecture instead, and say so.
      notices.push(noEmulationNotice(request.functionName, chosen.image, prepared.probeError));
      prepared = await this.prepare(chosen.image);
      arch.platform = undefined;
    }
    const actual = actualVersion(request.declared, prepared.facts);
    const notice = versionNotice({ runtime: request.runtime, declared: request.declared, actual, image: chosen, unavailable, probeError: prepared.probeError });
    if (notice) notices.unshift(notice);
    if (prepared.facts && !prepared.facts.hasBash) notices.push(`faasbox: /bin/sh is ${prepared.facts.sh ?? "unknown"} in ${chosen.image}, not bash as in the cloud (the image has no bash)`);
    return { image: prepared.image, version: actual, notices, platform: arch.platform };
  }

  /** Undefined when the image is on the engine (pulled now if need be), else why not. */
  private async have(image: string, say: (line: string) => void, platform?: string): Promise<string | undefined> {
    if (await this.docker.getImage(image).inspect().then(() => true, () => false)) return undefined;
    let pull = this.pulls.get(image);
    if (!pull) {
      pull = pullImage(this.docker, image, say, platform);
      this.pulls.set(image, pull);
    }
    return pull.then(() => undefined, (error: Error) => `cannot be pulled (${firstLine(error.message)})`);
  }

  private prepare(image: string, platform?: string): Promise<PreparedRuntimeImage> {
    const key = `${image} ${platform ?? ""}`;
    let prepared = this.prepared.get(key);
    if (!prepared) {
      prepared = this.prepareOnce(image, platform);
      this.prepared.set(key, prepared);
      prepared.catch(() => this.prepared.delete(key));
    }
    return prepared;
  }

  private async prepareOnce(image: string, platform?: string): Promise<PreparedRuntimeImage> {
    const { Id } = await this.docker.getImage(image).inspect();
    let facts: ImageFacts;
    try {
      facts = await probeImage(this.docker, Id, platform);
    } catch (error) {
      return { image, probeError: firstLine((error as Error).message) };
    }
    if (facts.hasBash && facts.sh && !facts.sh.endsWith("/bash")) return { image: await bashAsShImage(this.docker, Id), facts };
    return { image, facts };
  }
}

function actualVersion(declared: DeclaredRuntime, facts?: ImageFacts): string | undefined {
  if (declared.family === "nodejs") return facts?.node;
  if (declared.family === "python") return facts?.python;
  if (declared.family === "java") return facts?.java;
  return undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0].slice(0, 200);
}
