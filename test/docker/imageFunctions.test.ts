// SAM `PackageType: Image` functions in real containers: built from a Dockerfile through the engine,
// run with the image's own ENTRYPOINT + CMD under the agent, rebuilt when the context changes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { Engine } from "../../emulator/core/engine";
import { requireDocker } from "../helpers/docker";
import { copyFixture } from "../helpers/emulator";

describe("image functions", () => {
  let docker: Docker;
  let emulator: Engine;
  let root: string;

  /** The tags Faasbox gave the images built for `fn`. */
  const builtTags = async (fn: string): Promise<string[]> => {
    const images = await docker.listImages({ filters: { reference: [`faasbox-fn/${fn}`] } });
    return images.flatMap((image) => image.RepoTags ?? []).sort();
  };
  const stopInstances = async (fn: string): Promise<void> => {
    for (const instance of emulator.instances(fn)) await emulator.stopInstance(instance.id);
  };

  before(async () => {
    docker = await requireDocker();
    root = copyFixture("image-functions");
    emulator = await Engine.create({ root, watch: false, executor: "docker" });
    assert.deepEqual(emulator.problems.map((p) => p.message), []);
  });
  after(async () => {
    await emulator.shutdown();
    for (const fn of ["imagefn", "imageoverride"]) {
      for (const tag of await builtTags(fn)) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    }
  });

  test("built from its Dockerfile with the build args, run with the image's ENTRYPOINT + CMD and WORKDIR, with the template's environment", async () => {
    assert.deepEqual(await builtTags("imagefn"), []);
    const result = await emulator.invoke("ImageFn", { n: 1 });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.deepEqual(result.result, {
      message: "first message",
      greeting: "hello-from-build-arg",
      fromTemplate: "yes",
      argv: ["from-cmd"],
      cwd: "/app",
      event: { n: 1 },
    });
    const tags = await builtTags("imagefn");
    assert.equal(tags.length, 2, tags.join(", "));
    assert.ok(tags.includes("faasbox-fn/imagefn:v1"), "Metadata.DockerTag is applied");
  });

  test("ImageConfig's Command and WorkingDirectory replace the image's CMD and WORKDIR", async () => {
    const result = await emulator.invoke("ImageOverride", {});
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const body = result.result as { argv: string[]; cwd: string; greeting: string };
    assert.deepEqual(body.argv, ["from-image-config"]);
    assert.equal(body.cwd, "/tmp");
    assert.equal(body.greeting, "default-greeting", "no DockerBuildArgs: the Dockerfile's default");
  });

  test("a file .dockerignore leaves out changes nothing; a changed context file is rebuilt and runs", async () => {
    const before = await builtTags("imagefn");
    appendFileSync(join(root, "app", "ignored.txt"), "edited\n");
    await stopInstances("ImageFn");
    const same = await emulator.invoke("ImageFn", {});
    assert.equal(same.ok, true, JSON.stringify(same.error));
    assert.deepEqual(await builtTags("imagefn"), before, "an ignored file does not make a new image");

    writeFileSync(join(root, "app", "message.txt"), "second message\n");
    await stopInstances("ImageFn");
    const changed = await emulator.invoke("ImageFn", {});
    assert.equal(changed.ok, true, JSON.stringify(changed.error));
    assert.equal((changed.result as { message: string }).message, "second message");
    const after = await builtTags("imagefn");
    assert.equal(after.filter((tag) => !before.includes(tag)).length, 1, `one new image: ${after.join(", ")}`);
  });

  test("a Dockerfile that does not build fails the invocation naming the Dockerfile and the build's last lines", async () => {
    const result = await emulator.invoke("BrokenImage", {});
    assert.equal(result.ok, false);
    assert.equal(result.error?.errorType, "Faasbox.LaunchFailed");
    const message = result.error?.errorMessage ?? "";
    assert.match(message, new RegExp(`building the image of ${join(root, "broken", "Dockerfile").replaceAll("/", "\\/")} failed`));
    assert.match(message, /this-file-does-not-exist\.txt/);
    assert.match(message, /last lines of the build:\n {2}Step 1\/2 : FROM faasbox-local\/runtime:bookworm-3/);
  });

  test("an ImageUri the engine does not hold says to build or pull it", async () => {
    const result = await emulator.invoke("MissingImage", {});
    assert.equal(result.ok, false);
    assert.match(result.error?.errorMessage ?? "", /faasbox-test\/not-on-this-engine:1 \(ImageUri\) is not on the Docker engine; build it .* or pull it \(docker pull faasbox-test\/not-on-this-engine:1\)/);
  });
});
