import type Docker from "dockerode";
import { pack } from "tar-fs";
import type { ContainerImage } from "../../project/spec";
import { buildContextFiles } from "./buildContext";

/** How an image function's container starts: the image, the argv the agent runs, its working folder. */
export interface PreparedImage {
  image: string;
  argv: string[];
  workingDir: string;
}

const BUILD_OUTPUT_TAIL = 15;

/**
 * Builds (once per content) and inspects the images of container image functions. A built image
 * is tagged `faasbox-fn/<function>:<fingerprint>` with the fingerprint of its context, Dockerfile
 * and build arguments: the engine's own list is the cache, so an unchanged context is not built
 * again, even by a later emulator, and a changed one is.
 */
export class FunctionImages {
  private readonly building = new Map<string, Promise<void>>();

  constructor(private readonly docker: Docker, private readonly network: string) {}

  async prepare(functionName: string, container: ContainerImage, say: (line: string) => void): Promise<PreparedImage> {
    const image = container.build ? await this.built(functionName, container.build, say) : await this.present(container.imageUri ?? "");
    const config = (await this.docker.getImage(image).inspect()).Config;
    // ImageConfig replaces each of the image's settings it gives, and only those: Lambda's API
    // treats them one by one (https://docs.aws.amazon.com/lambda/latest/api/API_ImageConfig.html).
    // Whether a new EntryPoint also drops the image's CMD, as `docker run --entrypoint` does,
    // the docs do not say; here it does not.
    const argv = [...(container.entryPoint ?? config.Entrypoint ?? []), ...(container.command ?? config.Cmd ?? [])];
    if (argv.length === 0) {
      throw new Error(`the image ${image} of ${functionName} has no ENTRYPOINT or CMD; expected one that starts its runtime interface client, or ImageConfig.EntryPoint`);
    }
    // Lambda's base images work in /var/task (LAMBDA_TASK_ROOT) when the image names no WORKDIR.
    return { image, argv, workingDir: container.workingDirectory ?? (config.WorkingDir || "/var/task") };
  }

  /** An image named by ImageUri: Faasbox never pulls, the engine must already hold it. */
  private async present(image: string): Promise<string> {
    try {
      await this.docker.getImage(image).inspect();
      return image;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      throw new Error(`the image ${image} (ImageUri) is not on the Docker engine; build it (sam build, docker build -t ${image} .) or pull it (docker pull ${image}), or give the function Metadata (DockerContext, Dockerfile) so Faasbox builds it`);
    }
  }

  private async built(functionName: string, build: NonNullable<ContainerImage["build"]>, say: (line: string) => void): Promise<string> {
    const { files, fingerprint } = buildContextFiles(build.context, build.dockerfile, build.buildArgs);
    const repository = `faasbox-fn/${functionName.toLowerCase().replace(/[^a-z0-9._-]/g, "-")}`;
    const image = `${repository}:${fingerprint.slice(0, 20)}`;
    let pending = this.building.get(image);
    if (!pending) {
      pending = this.buildIfMissing(image, repository, build, files, say);
      this.building.set(image, pending);
      // A failed build is tried again at the next launch (the user may have fixed an outside cause).
      pending.catch(() => this.building.delete(image));
    }
    await pending;
    return image;
  }

  private async buildIfMissing(image: string, repository: string, build: NonNullable<ContainerImage["build"]>, files: string[], say: (line: string) => void): Promise<void> {
    const exists = await this.docker.getImage(image).inspect().then(() => true, () => false);
    if (exists) return;
    const dockerfilePath = `${build.context}/${build.dockerfile}`;
    say(`faasbox: building the image ${image} from ${dockerfilePath} (first use, or its context, Dockerfile or build arguments changed)`);
    const output: string[] = [];
    try {
      await this.runBuild(image, build, files, output);
    } catch (error) {
      const tail = output.slice(-BUILD_OUTPUT_TAIL).map((line) => `  ${line}`).join("\n");
      throw new Error(`building the image of ${dockerfilePath} failed: ${(error as Error).message}${tail ? `\nlast lines of the build:\n${tail}` : ""}`);
    }
    if (build.tag) await this.docker.getImage(image).tag({ repo: repository, tag: build.tag });
    say(`faasbox: built ${image}${build.tag ? ` (also tagged ${repository}:${build.tag}, Metadata.DockerTag)` : ""}`);
  }

  private async runBuild(image: string, build: NonNullable<ContainerImage["build"]>, files: string[], output: string[]): Promise<void> {
    const tar = pack(build.context, { entries: files });
    const stream = await this.docker.buildImage(tar, {
      t: image,
      dockerfile: build.dockerfile.split("\\").join("/"),
      buildargs: build.buildArgs,
      // The build's RUN steps join the network function containers use (never a default bridge on its own).
      networkmode: this.network,
      rm: true,
      forcerm: true,
    });
    // The engine tells a failed step as an `error` event in an otherwise normal stream.
    let failed: string | undefined;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : failed ? reject(new Error(failed)) : resolve()),
        (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
          failed ??= event.error ?? event.errorDetail?.message;
          const text = event.error ?? event.errorDetail?.message ?? event.stream ?? "";
          for (const line of text.split("\n")) if (line.trim()) output.push(line.trimEnd());
          if (output.length > BUILD_OUTPUT_TAIL * 4) output.splice(0, output.length - BUILD_OUTPUT_TAIL);
        },
      );
    });
  }
}
