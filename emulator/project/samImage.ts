import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, normalize, resolve, sep } from "node:path";
import { ManifestWarning } from "./errors";
import type { ReadContext } from "./manifestFunction";
import type { ContainerImage } from "./spec";
import type { YamlField } from "./yamlSource";

/** What a SAM `PackageType: Image` function gives its FunctionSpec. */
export interface ImageFunctionParts {
  container: ContainerImage;
  /** The build context (watched like code), or the template's folder for a prebuilt image. */
  codeDir: string;
}

/** Properties of a zip function that an image function has no use for: told, not dropped in silence. */
const ZIP_ONLY = ["CodeUri", "InlineCode", "Runtime", "Handler", "Layers"];

/**
 * A SAM function with `PackageType: Image`. `sam build` builds it from the resource's
 * `Metadata` (DockerContext, Dockerfile relative to it, DockerBuildArgs, DockerTag)
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-build.html,
 * "Building a container image"); `ImageUri` names an image already built or in a registry
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html).
 * `ImageConfig` overrides the image's ENTRYPOINT, CMD and WORKDIR
 * (https://docs.aws.amazon.com/lambda/latest/api/API_ImageConfig.html).
 */
export function readImageFunction(resource: YamlField, property: (key: string) => YamlField, context: Pick<ReadContext, "warn">): ImageFunctionParts {
  const templateDir = dirname(resource.source.file);
  const metadata = resource.child("Metadata");
  const imageUri = property("ImageUri");
  const imageConfig = property("ImageConfig");
  const overrides: Omit<ContainerImage, "build" | "imageUri"> = {
    entryPoint: imageConfig.child("EntryPoint").stringList("a list of strings, the executable and its first arguments"),
    command: imageConfig.child("Command").stringList("a list of strings, the arguments given after ENTRYPOINT"),
    workingDirectory: imageConfig.child("WorkingDirectory").string("an absolute folder inside the image"),
  };
  if (overrides.workingDirectory !== undefined && !overrides.workingDirectory.startsWith("/")) {
    throw imageConfig.child("WorkingDirectory").wrongType("an absolute folder inside the image, such as /var/task");
  }
  for (const key of ZIP_ONLY) {
    const field = property(key);
    if (field.isSet) {
      context.warn(ManifestWarning.at(field.ref, `not used by an image function (PackageType: Image): the image holds the code and runtime, its ENTRYPOINT and CMD start it`));
    }
  }

  const dockerContext = metadata.child("DockerContext");
  if (!dockerContext.isSet) {
    const uri = imageUri.string("an image name such as myfunction:latest or an ECR URI");
    if (!uri) {
      throw (metadata.isSet ? dockerContext : imageUri).fail(
        "missing; expected Metadata.DockerContext and Metadata.Dockerfile to build the image locally (as sam build does), or ImageUri naming an image on the Docker engine",
      );
    }
    return { container: { imageUri: uri, ...overrides }, codeDir: templateDir };
  }
  if (imageUri.isSet) {
    context.warn(ManifestWarning.at(imageUri.ref, "not used locally: the image is built from Metadata (DockerContext, Dockerfile), as sam build does; ImageUri only matters once deployed"));
  }
  const contextDir = resolve(templateDir, dockerContext.requireString("a folder, relative to the template, holding the Docker build context"));
  if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) {
    throw dockerContext.fail(`${contextDir} is not a folder; expected the folder holding the Docker build context`);
  }
  const dockerfileField = metadata.child("Dockerfile");
  // Docker's own default name; the SAM page lists the field without one, the Terraform "sam metadata resource" page says Dockerfile.
  const dockerfile = normalize(dockerfileField.string("a path relative to DockerContext, such as Dockerfile") ?? "Dockerfile");
  if (isAbsolute(dockerfile) || dockerfile === ".." || dockerfile.startsWith(`..${sep}`)) {
    throw dockerfileField.fail(`${dockerfile} is outside DockerContext; expected a path inside ${contextDir}`);
  }
  if (!existsSync(resolve(contextDir, dockerfile))) {
    throw (dockerfileField.isSet ? dockerfileField : dockerContext).fail(`${resolve(contextDir, dockerfile)} does not exist; expected the Dockerfile, relative to DockerContext`);
  }
  const buildArgs: Record<string, string> = {};
  for (const [key, value] of metadata.child("DockerBuildArgs").entries("a map of build argument names to values")) {
    if (typeof value.value !== "string" && typeof value.value !== "number" && typeof value.value !== "boolean") throw value.wrongType("a string");
    buildArgs[key] = String(value.value);
  }
  const tag = metadata.child("DockerTag").string("a tag such as v1");
  return {
    container: { build: { context: contextDir, dockerfile, buildArgs, ...(tag ? { tag } : {}) }, ...overrides },
    codeDir: contextDir,
  };
}
