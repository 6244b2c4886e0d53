import { RUNTIME_FAMILIES, type RuntimeFamily } from "./runtimeFamily";
import { readUserConfig, userConfigPath } from "./userConfig";

/** Public images that work on a user's machine; overridable per family. */
export const DEFAULT_IMAGES: Readonly<Record<RuntimeFamily, string>> = {
  nodejs: "node:20-bookworm-slim",
  python: "python:3.12-slim-bookworm",
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
