import type Docker from "dockerode";
import { imageCandidates } from "../config/images";
import { describeDeclared, versionMatches } from "../config/runtimeVersions";
import { lookupRuntime, supportedRuntimeNames } from "../project/runtimes";

/** A line of `faasbox doctor` (the shape of doctor.ts's Check). */
export interface RuntimeCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  required: false;
}

/** The version an official image (or one setup built) declares in its environment, as NODE_VERSION / PYTHON_VERSION. */
function envVersion(env: string[] | undefined, family: string): string | undefined {
  const name = family === "nodejs" ? "NODE_VERSION=" : family === "python" ? "PYTHON_VERSION=" : undefined;
  return name ? env?.find((entry) => entry.startsWith(name))?.slice(name.length) : undefined;
}

/**
 * One line per runtime name: the image it would run on now (the first candidate on the engine;
 * doctor pulls nothing) and whether that is the declared version. Informational: a function
 * whose version is missing still runs, and says so.
 */
export async function runtimeTableChecks(docker: Docker, env: NodeJS.ProcessEnv): Promise<RuntimeCheck[]> {
  const checks: RuntimeCheck[] = [];
  const present = new Map<string, Promise<string[] | undefined | null>>();
  const inspect = (image: string) => {
    let answer = present.get(image);
    if (!answer) {
      answer = docker.getImage(image).inspect().then((info) => info.Config?.Env ?? undefined, () => null);
      present.set(image, answer);
    }
    return answer;
  };
  for (const runtime of supportedRuntimeNames()) {
    const info = lookupRuntime(runtime);
    if (!info) continue;
    const { candidates, declared } = imageCandidates(runtime, info.family, {}, env);
    let found: { image: string; source: string; version?: string } | undefined;
    for (const candidate of candidates) {
      const imageEnv = await inspect(candidate.image);
      if (imageEnv === null) continue;
      found = { ...candidate, version: envVersion(imageEnv, info.family) };
      break;
    }
    const name = `runtime ${runtime}`;
    if (!found) {
      checks.push({ name, ok: false, detail: `none of ${candidates.map((c) => c.image).join(", ")} is on the engine`, fix: `Pull ${candidates[0].image}, or run 'npm run setup'.`, required: false });
      continue;
    }
    const differs = found.version && declared.version && !versionMatches(declared, found.version);
    const version = found.version ? ` (${found.version})` : "";
    checks.push({
      name,
      ok: !differs,
      detail: `${found.image}${version} from ${found.source}${differs ? `: not ${describeDeclared(declared)}; functions say so at their first invocation` : ""}`,
      fix: differs ? `Pull ${candidates.find((c) => c.source.includes("version"))?.image ?? "an image of that version"} where a registry is reachable, or set images["${runtime}"] in the user config.` : undefined,
      required: false,
    });
  }
  return checks;
}
