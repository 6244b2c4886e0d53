// The remote-engine tier: every example (run, log, hot reload, debug), and the docker tier's runtime, error, concurrency, hot-reload,
// custom-runtime (the official runtime interface client too) and debugging tests again, against
// an engine that shares neither network nor files with the emulator, as a remote one would:
// a private dockerd (test/helpers/privateEngine.ts) on tcp://127.0.0.1 with TLS (certificates
// made for the run), in a mount namespace of its own (it sees none of the projects under /tmp,
// so code goes in through the archive API), and functions on FAASBOX_DOCKER_NETWORK=none (their
// Runtime API and debuggers reach them through the agent only). The tests find the engine as a
// user's emulator does, through DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.
// FAASBOX_TEST_ENGINE=remote tells the tests that look at the containers themselves what to expect.
import { spawn } from "node:child_process";
import { resolveImages } from "../../emulator/config/images";
import { REPO_ROOT } from "../helpers/paths";
import { startPrivateEngine } from "../helpers/privateEngine";

const FILES = [
  "test/docker/runtimes.test.ts",
  "test/docker/errors.test.ts",
  "test/docker/scaling.test.ts",
  "test/docker/reliability/hotReload.test.ts",
  "test/docker/runtimeClient.test.ts",
  "test/docker/debug.test.ts",
  "test/docker/containerExposure.test.ts",
  "test/docker/examples.test.ts",
];

async function main(): Promise<number> {
  const engine = await startPrivateEngine({ tls: true, isolatedFiles: true });
  try {
    const images = resolveImages();
    for (const image of new Set(Object.values(images).map((choice) => choice.image))) await engine.loadImage(image);
    const env: NodeJS.ProcessEnv = { ...process.env, ...engine.clientEnv, FAASBOX_DOCKER_NETWORK: "none", FAASBOX_TEST_ENGINE: "remote" };
    delete env.FAASBOX_CODE_TRANSFER; // auto: the emulator finds out that the engine does not see the projects
    console.log(`[remote tier] ${FILES.length} files against ${engine.host} (TLS, its own mount namespace, network none)`);
    const runner = spawn(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...FILES], { cwd: REPO_ROOT, env, stdio: "inherit" });
    return await new Promise<number>((resolve) => runner.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } catch (error) {
    console.error(`[remote tier] ${(error as Error).message}\n${engine.log().slice(-4000)}`);
    return 1;
  } finally {
    await engine.dispose();
  }
}

void main().then((code) => process.exit(code));
