import type Docker from "dockerode";
import { connectDocker, describeDockerTarget, pingEngine } from "../core/docker/engine";
import { resolveImages } from "../config/images";
import { RUNTIME_FAMILIES } from "../config/runtimeFamily";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about it, when not ok. */
  fix?: string;
  /** A failed required check makes `doctor` exit non-zero. */
  required: boolean;
}

const MIN_NODE_MAJOR = 20;

export function checkNode(version = process.versions.node): Check {
  const major = Number(version.split(".")[0]);
  return {
    name: "Node.js",
    ok: major >= MIN_NODE_MAJOR,
    detail: `v${version} (Faasbox needs ${MIN_NODE_MAJOR} or newer)`,
    fix: `Install Node.js ${MIN_NODE_MAJOR} or newer (https://nodejs.org/).`,
    required: true,
  };
}

async function imageCheck(docker: Docker, family: string, image: string, source: string): Promise<Check> {
  const name = `${family} image`;
  try {
    await docker.getImage(image).inspect();
    return { name, ok: true, detail: `${image} is present (${source})`, required: true };
  } catch {
    return {
      name,
      ok: false,
      detail: `${image} is not present (${source})`,
      fix: `Run 'docker pull ${image}', or 'npm run setup' in the Faasbox checkout (it builds a local image where no registry is reachable), or set FAASBOX_IMAGE_${family.toUpperCase()} to an image you have.`,
      required: true,
    };
  }
}

export async function runChecks(env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const checks: Check[] = [checkNode()];
  const target = describeDockerTarget(env);
  const docker = connectDocker();
  try {
    const engine = await pingEngine(docker);
    checks.push({ name: "Docker engine", ok: true, detail: `Docker ${engine.version} (API ${engine.apiVersion}, ${engine.os}) at ${target}`, required: true });
  } catch (error) {
    checks.push({
      name: "Docker engine",
      ok: false,
      detail: `no engine answers at ${target}: ${(error as Error).message}`,
      fix: env.DOCKER_HOST
        ? "Start the engine DOCKER_HOST points to, or unset DOCKER_HOST to use the default socket."
        : "Install and start Docker (https://docs.docker.com/engine/install/); on Debian as root, 'npm run setup' installs docker.io and starts it.",
      required: true,
    });
    return checks; // image checks need the engine
  }
  let images;
  try {
    images = resolveImages({}, env);
  } catch (error) {
    checks.push({ name: "Faasbox config", ok: false, detail: (error as Error).message, fix: "Fix or delete that file.", required: true });
    return checks;
  }
  for (const family of RUNTIME_FAMILIES) {
    checks.push(await imageCheck(docker, family, images[family].image, images[family].source));
  }
  return checks;
}

export function formatChecks(checks: Check[]): string {
  const lines = ["Faasbox doctor"];
  for (const check of checks) {
    lines.push(`  ${check.ok ? "✓" : "✗"} ${check.name}: ${check.detail}`);
    if (!check.ok && check.fix) lines.push(`      → ${check.fix}`);
  }
  const failed = checks.filter((c) => !c.ok && c.required).length;
  lines.push(failed === 0 ? "Everything Faasbox needs is here." : `${failed} problem${failed === 1 ? "" : "s"} to fix before functions can run in containers.`);
  return lines.join("\n");
}

export async function doctorCommand(): Promise<number> {
  const checks = await runChecks();
  console.log(formatChecks(checks));
  return checks.some((c) => !c.ok && c.required) ? 1 : 0;
}
