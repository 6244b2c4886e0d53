import type { ImageChoice } from "../../config/images";
import { describeDeclared, languageName, versionMatches, type DeclaredRuntime } from "../../config/runtimeVersions";

/** A candidate image that could not be had, and why. */
export interface Unavailable {
  image: string;
  reason: string;
}

export interface VersionFacts {
  runtime: string;
  declared: DeclaredRuntime;
  /** The version the chosen image runs; undefined when unknown. */
  actual?: string;
  image: ImageChoice;
  /** The better candidates that could not be had, in order. */
  unavailable: Unavailable[];
  probeError?: string;
}

/**
 * The line that says a function does not run the version it declares (or that the version is
 * unknown), with why: never silently. Undefined when the declared version runs, and for
 * custom runtimes (they bring their own language).
 */
export function versionNotice(facts: VersionFacts): string | undefined {
  const { runtime, declared, actual, image } = facts;
  if (declared.family === "custom") return undefined;
  const language = languageName(declared.family);
  if (!actual) {
    const why = facts.probeError ?? `no ${declared.family === "nodejs" ? "node" : declared.family === "java" ? "java" : "python3 or python"} answered in it`;
    return `faasbox: ${runtime}: which ${language} version the image ${image.image} runs is unknown (${why})`;
  }
  if (versionMatches(declared, actual)) return undefined;
  const why = facts.unavailable.length
    ? `no image for ${describeDeclared(declared)} on this engine: ${facts.unavailable.map((u) => `${u.image} ${u.reason}`).join("; ")}; running ${image.image} (${image.source})`
    : `the image ${image.image} chosen by ${image.source}`;
  return `faasbox: ${runtime} runs on ${language} ${actual} here, not ${describeDeclared(declared)} (${why})`;
}
