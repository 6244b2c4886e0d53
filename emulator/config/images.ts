import { RUNTIME_FAMILIES, type RuntimeFamily } from "./runtimeFamily";
import { declaredRuntime, lambdaBaseImage, publicImage, versionKey, type DeclaredRuntime } from "./runtimeVersions";
import { readUserConfig, userConfigPath } from "./userConfig";

/** Public images that work on a user's machine; overridable per family. */
export const DEFAULT_IMAGES: Readonly<Record<RuntimeFamily, string>> = {
  nodejs: "node:20-bookworm-slim",
  python: "python:3.12-slim-bookworm",
  java: "eclipse-temurin:17-jre",
  // Custom runtimes are often shell bootstraps calling the runtime API with curl.
  custom: "buildpack-deps:bookworm-curl",
};

export interface ImageChoice {
  image: string;
  /** Where the choice came from, for `doctor` and error messages. */
  source: string;
}

/**
 * The image for each runtime family. Precedence: the project's faasbox.yml (passed in),
 * then FAASBOX_IMAGE_<FAMILY>, then the user config written by `npm run setup` or by
 * hand, then the public defaults.
 */
export function resolveImages(
  projectImages: Partial<Record<RuntimeFamily, string>> = {},
  env: NodeJS.ProcessEnv = process.env,
): Record<RuntimeFamily, ImageChoice> {
  const configPath = userConfigPath(env);
  const userImages = readUserConfig(configPath).images ?? {};
  const result = {} as Record<RuntimeFamily, ImageChoice>;
  for (const family of RUNTIME_FAMILIES) {
    const envName = `FAASBOX_IMAGE_${family.toUpperCase()}`;
    if (projectImages[family]) result[family] = { image: projectImages[family], source: "faasbox.yml images" };
    else if (env[envName]) result[family] = { image: env[envName], source: envName };
    else if (userImages[family]) result[family] = { image: userImages[family], source: configPath };
    else result[family] = { image: DEFAULT_IMAGES[family], source: "default" };
  }
  return result;
}

/** The images to try for one function, best first, and the family's own as the last resort. */
export interface ImageCandidates {
  /** In order: the first present (or pulled) one runs. */
  candidates: ImageChoice[];
  declared: DeclaredRuntime;
}

/** FAASBOX_IMAGE_<RUNTIME>: the runtime name upper-cased with every other character as `_` (`nodejs22.x` -> FAASBOX_IMAGE_NODEJS22_X). */
export function runtimeEnvName(runtime: string): string {
  return `FAASBOX_IMAGE_${runtime.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * The images for a runtime name, best first. Explicit choices of the user come first, the more
 * specific before the family's within each place: faasbox.yml `images` (runtime name, then
 * family), then FAASBOX_IMAGE_<RUNTIME> and FAASBOX_IMAGE_<FAMILY>, then the user config's runtime
 * name and the version `npm run setup` built. Then the version's own image (Docker Hub's official
 * one, or AWS's base image with `imageSource: lambda`), then the user config's family image (what
 * setup records where no registry is reachable) and the family's default. A candidate that is
 * neither on the engine nor pullable gives way to the next, and the version that runs is said.
 */
export function imageCandidates(
  runtime: string,
  family: RuntimeFamily,
  projectImages: Partial<Record<string, string>> = {},
  env: NodeJS.ProcessEnv = process.env,
): ImageCandidates {
  const configPath = userConfigPath(env);
  const config = readUserConfig(configPath);
  const userImages: Partial<Record<string, string>> = config.images ?? {};
  const declared = declaredRuntime(runtime, family);
  const familyEnv = `FAASBOX_IMAGE_${family.toUpperCase()}`;
  const versioned = versionKey(declared);
  const source = env.FAASBOX_IMAGE_SOURCE ?? config.imageSource ?? "public";
  if (source !== "public" && source !== "lambda") {
    throw new Error(`${env.FAASBOX_IMAGE_SOURCE ? "FAASBOX_IMAGE_SOURCE" : `${configPath}: imageSource`}: expected "public" or "lambda", got ${JSON.stringify(source)}`);
  }
  const versionImage = source === "lambda" ? lambdaBaseImage(declared) ?? publicImage(declared) : publicImage(declared);
  const all: Array<[string | undefined, string]> = [
    [projectImages[runtime], `faasbox.yml images.${runtime}`],
    [projectImages[family], `faasbox.yml images.${family}`],
    [env[runtimeEnvName(runtime)], runtimeEnvName(runtime)],
    [env[familyEnv], familyEnv],
    [userImages[runtime], `${configPath} images.${runtime}`],
    [versioned ? userImages[versioned] : undefined, `${configPath} images.${versioned}`],
    [versionImage, source === "lambda" ? "AWS base image of the version" : "official image of the version"],
    [userImages[family], `${configPath} images.${family}`],
    [DEFAULT_IMAGES[family], "default"],
  ];
  const candidates: ImageChoice[] = [];
  for (const [image, from] of all) if (image && !candidates.some((c) => c.image === image)) candidates.push({ image, source: from });
  return { candidates, declared };
}
