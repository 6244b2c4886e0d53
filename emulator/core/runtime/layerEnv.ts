import type { FunctionSpec } from "../../project/spec";

/**
 * Where the runtimes look in /opt for what layers bring, as Lambda's runtimes do; only for a
 * function with layers, so others see the environment they always saw.
 * Paths per runtime: https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html
 * (nodejs/node_modules and nodejs/nodeXX/node_modules on NODE_PATH; python and
 * python/lib/python3.x/site-packages; bin on PATH; lib on LD_LIBRARY_PATH). The order is the
 * Node runtime's bootstrap (version folder first); for Python the docs give the folders, not the
 * order: site-packages first, as Lambda's sys.path lists them.
 */
export function layerEnv(spec: FunctionSpec, optRoot: string, basePath: string): Record<string, string> {
  if (!spec.layers?.length) return {};
  const env: Record<string, string> = {
    PATH: `${basePath}:${optRoot}/bin`,
    LD_LIBRARY_PATH: `${optRoot}/lib`,
  };
  const version = /(\d+)(?:\.(\d+))?/.exec(spec.runtime);
  if (spec.family === "nodejs") {
    const major = version?.[1];
    env.NODE_PATH = [...(major ? [`${optRoot}/nodejs/node${major}/node_modules`] : []), `${optRoot}/nodejs/node_modules`].join(":");
  }
  if (spec.family === "python") {
    const minor = version?.[2];
    env.PYTHONPATH = [...(minor ? [`${optRoot}/python/lib/python${version[1]}.${minor}/site-packages`] : []), `${optRoot}/python`].join(":");
  }
  return env;
}
