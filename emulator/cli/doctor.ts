import { resolve } from "node:path";
import type Docker from "dockerode";
import { parseCommandArgs } from "./args";
import { clientFor, explainEngineError, pingEngine, resolveEngineTarget, type EngineInfo, type EngineTarget } from "../core/docker/engine";
import type { TargetInputs } from "../core/docker/engineTarget";
import { NETWORK_VARIABLE, checkNetworkExists, chooseNetwork, describeNetwork, parseNetwork, type NetworkChoice } from "../core/docker/network";
import { resolveImages } from "../config/images";
import { runtimeTableChecks } from "./doctorRuntimes";
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

/** Where the engine is and how it is reached, e.g. "on this machine, over a unix socket". */
export function engineConnection(target: EngineTarget): string {
  const where = target.local ? (target.transport === "tcp" || target.transport === "tcp+TLS" ? "on this machine (loopback)" : "on this machine") : "remote";
  const over = target.transport === "unix" ? "a unix socket" : target.transport === "npipe" ? "a named pipe" : target.transport;
  return `${where}, over ${over}`;
}

export function engineDetail(engine: EngineInfo, target: EngineTarget): string {
  return `${engine.product} ${engine.version} (API ${engine.apiVersion}, ${engine.os}) at ${target.description}: ${engineConnection(target)}`;
}

/** What to do when the engine does not answer and its error says nothing more precise. */
function engineFix(target: EngineTarget): string {
  switch (target.source) {
    case "DOCKER_HOST":
      return "Start the engine DOCKER_HOST points to, or unset DOCKER_HOST to use the docker context or the default socket.";
    case "context":
      return `Start the engine of docker context "${target.context}", or choose another ('docker context use default') or set DOCKER_HOST.`;
    case "option":
      return `Start the engine at ${target.host}.`;
    default:
      return "Install and start Docker (https://docs.docker.com/engine/install/), or point DOCKER_HOST or a docker context at your engine; on Debian as root, 'npm run setup' installs docker.io and starts it.";
  }
}

export async function runChecks(env: NodeJS.ProcessEnv = process.env, where: Omit<TargetInputs, "env" | "dockerHost"> = {}): Promise<Check[]> {
  const checks: Check[] = [checkNode()];
  const target = resolveEngineTarget({ ...where, env });
  let configured: NetworkChoice | undefined;
  let networkError: string | undefined;
  try {
    configured = parseNetwork(env[NETWORK_VARIABLE]);
  } catch (error) {
    networkError = (error as Error).message;
  }
  const networkFix = `Set ${NETWORK_VARIABLE} to one of those, or unset it.`;
  /** Without an engine: only what the variable says (the default depends on the engine). */
  const networkCheck = (): Check =>
    networkError
      ? { name: "Function network", ok: false, detail: networkError, fix: networkFix, required: true }
      : { name: "Function network", ok: true, detail: configured ? describeNetwork(configured, env) : "the engine's default (bridge where it has one, else host)", required: true };
  let docker: Docker;
  try {
    docker = clientFor(target);
  } catch (error) {
    checks.push({ name: "Docker engine", ok: false, detail: `${target.description} cannot be used`, fix: (error as Error).message, required: true });
    checks.push(networkCheck());
    return checks;
  }
  try {
    const engine = await pingEngine(docker);
    checks.push({ name: "Docker engine", ok: true, detail: engineDetail(engine, target), required: true });
  } catch (error) {
    const explained = explainEngineError(error, target);
    checks.push({
      name: "Docker engine",
      ok: false,
      detail: `no engine answers at ${target.description}: ${explained.reason}`,
      fix: explained.fix ?? engineFix(target),
      required: true,
    });
    checks.push(networkCheck());
    return checks; // image checks need the engine
  }
  if (networkError) checks.push(networkCheck());
  else {
    try {
      const network = await chooseNetwork(docker, configured);
      await checkNetworkExists(docker, network, target.description);
      const direct = env.FAASBOX_AGENT === "0";
      if (direct && network !== "host") {
        checks.push({ name: "Function network", ok: false, detail: `${describeNetwork(network, env)}, and FAASBOX_AGENT=0 (direct mode) needs host networking`, fix: "Set FAASBOX_DOCKER_NETWORK=host as well, or unset FAASBOX_AGENT.", required: true });
      } else {
        const how = direct
          ? "FAASBOX_AGENT=0: runtimes reach their Runtime API directly on the host's loopback (admitted by uid)"
          : "runtimes reach their Runtime API through the in-container agent";
        checks.push({ name: "Function network", ok: true, detail: `${describeNetwork(network, env)}; ${how}`, required: true });
      }
    } catch (error) {
      checks.push({ name: "Function network", ok: false, detail: (error as Error).message, fix: networkFix, required: true });
    }
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
  checks.push(...(await runtimeTableChecks(docker, env)));
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


export async function doctorCommand(argv: string[] = []): Promise<number> {
  const { values } = parseCommandArgs("doctor", argv, { project: { type: "string" } });
  const checks = await runChecks();
  // Loaded when used: pg is needed only for a project with databases.
  checks.push(...(await (await import("./doctorDatabases")).databaseChecks(resolve(values.project ?? "."))));
  console.log(formatChecks(checks));
  return checks.some((c) => !c.ok && c.required) ? 1 : 0;
}
