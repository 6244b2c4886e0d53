import { imageCandidates } from "../../config/images";
import { declaredRuntime } from "../../config/runtimeVersions";
import type { FunctionSpec } from "../../project/spec";
import type { ImageRequest } from "../executors/executor";

/** The images a function may run on, best first: its own image if it names one, else its runtime's candidates. */
export function imageRequestFor(spec: FunctionSpec, projectImages: Partial<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): ImageRequest {
  const base = { functionName: spec.name, runtime: spec.runtime, architecture: spec.architecture, ...(spec.web ? { web: true } : {}) };
  if (spec.image) return { ...base, declared: declaredRuntime(spec.runtime, spec.family), candidates: [{ image: spec.image, source: `the image of ${spec.name}` }] };
  const { candidates, declared } = imageCandidates(spec.runtime, spec.family, projectImages, env);
  return { ...base, declared, candidates };
}
