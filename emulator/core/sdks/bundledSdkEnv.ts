import type { FunctionSpec } from "../../project/spec";

/**
 * Where a Lambda runtime looks for modules, with its bundled SDK in `runtimeDir`: the function's
 * own first, then its layers', then the runtime's. Only where the executor provides that folder
 * (Docker), and never over the function's own NODE_PATH or PYTHONPATH (its environment wins).
 *
 * Node.js: the runtime's bootstrap sets, when NODE_PATH is unset,
 * /opt/nodejs/nodeNN/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html, "Dependency search path and
 * runtime-included libraries"). CommonJS looks in the code's own node_modules before NODE_PATH;
 * ES modules look there too, through the shim's hook (emulator/shims/node/nodePathResolve.mjs).
 * Python: the function's folder comes first on sys.path (the shim puts it there), then the
 * layers' folders, then the runtime's boto3: PYTHONPATH is $LAMBDA_RUNTIME_DIR in Lambda's list of
 * runtime variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html) and
 * "Dependency search path and runtime-included libraries" in
 * https://docs.aws.amazon.com/lambda/latest/dg/python-package.html lists the runtime's folders after
 * /var/task and /opt's.
 */
export function bundledSdkEnv(spec: FunctionSpec, layerPaths: Record<string, string>, codeRoot: string, layerRoot: string, runtimeDir: string | undefined): Record<string, string> {
  if (!runtimeDir || spec.container || spec.dialect !== "aws") return {};
  if (spec.family === "nodejs") {
    const major = /^nodejs(\d+)/.exec(spec.runtime)?.[1];
    const layers = layerPaths.NODE_PATH ?? [...(major ? [`${layerRoot}/nodejs/node${major}/node_modules`] : []), `${layerRoot}/nodejs/node_modules`].join(":");
    return { NODE_PATH: [layers, `${runtimeDir}/node_modules`, runtimeDir, codeRoot].join(":") };
  }
  if (spec.family === "python") {
    return { PYTHONPATH: [...(layerPaths.PYTHONPATH ? [layerPaths.PYTHONPATH] : []), runtimeDir].join(":") };
  }
  return {};
}
