import { nodeInspectorFlags } from "../debug/inspectorAddress";
import { LOCAL_ACCOUNT_ID, LOCAL_TENCENT_APPID, LOCAL_TENCENT_UIN } from "../../project/localAccount";
import type { FunctionSpec } from "../../project/spec";
import { bundledSdkEnv } from "../sdks/bundledSdkEnv";
import { javaCommand } from "./javaCommand";
import { layerEnv } from "./layerEnv";

export interface RuntimeEnvOptions {
  spec: FunctionSpec;
  codeRoot: string;
  apiHost: string;
  apiPort: number;
  instanceId: string;
  /** Where the function's layers appear to it: /opt in a container. */
  layerRoot?: string;
  /** The user's cloud credentials for this function's dialect (see credentials/functionCredentials.ts). */
  credentials?: Record<string, string>;
  /** Where the executor shows the runtime's bundled SDKs (/var/runtime in a container), if it does. */
  runtimeDir?: string;
}

/** The ARN Lambda would give this function; used in the context and in events. */
export function functionArn(spec: FunctionSpec): string {
  return `arn:aws:lambda:${spec.region}:${LOCAL_ACCOUNT_ID}:function:${spec.name}`;
}

/**
 * The environment a function sees, in its cloud's dialect: the platform's variables
 * first, then the function's own (which, as in the clouds, cannot override the
 * reserved runtime API address).
 */
export function runtimeEnv({ spec, codeRoot, apiHost, apiPort, instanceId, layerRoot = "/opt", credentials = {}, runtimeDir }: RuntimeEnvOptions): Record<string, string> {
  const path = "/usr/local/bin:/usr/bin:/bin";
  const layerPaths = layerEnv(spec, layerRoot, path);
  const common: Record<string, string> = {
    // An image function keeps its image's PATH (ENV in its Dockerfile); what Lambda does there its docs do not say.
    ...(spec.container ? {} : { PATH: path }),
    HOME: "/tmp",
    TZ: "UTC",
    LANG: "C.UTF-8",
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    FAASBOX_DIALECT: spec.dialect,
    FAASBOX_INSTANCE_ID: instanceId,
    FAASBOX_TIMEOUT_SEC: String(spec.timeoutSec),
    ...layerPaths,
    ...bundledSdkEnv(spec, layerPaths, codeRoot, layerRoot, runtimeDir),
  };
  const platform: Record<string, string> = spec.dialect === "aws"
    ? {
        AWS_LAMBDA_RUNTIME_API: `${apiHost}:${apiPort}`,
        AWS_LAMBDA_FUNCTION_NAME: spec.name,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replaceAll("-", "/")}/[$LATEST]${instanceId}`,
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        AWS_REGION: spec.region,
        AWS_DEFAULT_REGION: spec.region,
        AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
        LAMBDA_TASK_ROOT: codeRoot,
        LAMBDA_RUNTIME_DIR: "/var/runtime",
        _HANDLER: spec.handler,
        // Set by Lambda for the X-Ray SDK (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html,
        // unreserved variables); no X-Ray daemon runs locally, so its address is left out.
        AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
      }
    : {
        SCF_RUNTIME_API: apiHost,
        SCF_RUNTIME_API_PORT: String(apiPort),
        SCF_RUNTIME: spec.runtime,
        SCF_FUNCTIONNAME: spec.name,
        SCF_FUNCTIONVERSION: "$LATEST",
        SCF_NAMESPACE: spec.namespace,
        SCF_MEMORY_SIZE: String(spec.memoryMb),
        SCF_TIMEOUT: String(spec.timeoutSec),
        TENCENTCLOUD_REGION: spec.region,
        TENCENTCLOUD_APPID: LOCAL_TENCENT_APPID,
        TENCENTCLOUD_UIN: LOCAL_TENCENT_UIN,
        USER_CODE_ROOT: codeRoot,
        // SCF's built-in variables table (https://www.tencentcloud.com/zh/document/product/583/32748).
        TENCENTCLOUD_RUNENV: "SCF",
        _HANDLER: spec.handler,
      };
  const reserved = new Set(Object.keys(platform));
  const user = Object.fromEntries(Object.entries(spec.environment).filter(([key]) => !reserved.has(key)));
  // The credentials come before the function's own variables: in the cloud a function cannot
  // set these names (Lambda refuses reserved keys at deploy), but locally a template that points
  // them at a local fake (LocalStack's "test" keys) keeps working, as it does under `sam local`.
  return { ...common, ...credentials, ...platform, ...user };
}

/** A debugger listening inside the instance, on the host's loopback (host networking). */
export interface DebugListen {
  port: number;
  /**
   * A host folder holding the `debugpy` package, for Python images without one: mounted
   * read-only and imported from there only when the image has no debugpy of its own.
   */
  debugpyDir?: string;
}

/**
 * The command that starts the runtime: our shim for Node, Python and Java, the user's bootstrap
 * otherwise. With `debug`, Node's inspector breaks before any user code runs (so
 * breakpoints in module scope bind) and Python's shim starts debugpy (see bootstrap.py).
 */
export function runtimeCommand(spec: FunctionSpec, shimRoot: string, codeRoot: string, debug?: DebugListen, javaFlags: string[] = []): string[] {
  switch (spec.family) {
    case "nodejs":
      return debug
        ? ["node", ...nodeInspectorFlags(debug.port), `${shimRoot}/node/bootstrap.js`]
        : ["node", `${shimRoot}/node/bootstrap.js`];
    case "python":
      return debug
        ? ["python3", "-u", "-Xfrozen_modules=off", `${shimRoot}/python/bootstrap.py`]
        : ["python3", "-u", `${shimRoot}/python/bootstrap.py`];
    case "java":
      return javaCommand(spec, shimRoot, [...javaFlags, ...(debug ? [jdwpAgent(debug.port)] : [])]);
    case "custom":
      return [`${codeRoot}/bootstrap`];
  }
}

/**
 * The JDWP agent of a debug instance: a socket server on the instance's loopback only (reached
 * from the host through the agent's channel, or directly with host networking), and suspend=y so
 * that no class of the function runs before a debugger is attached and its breakpoints are set.
 * The JVM says "Listening for transport dt_socket at address: PORT" once it listens: the ready signal.
 * https://docs.oracle.com/en/java/javase/17/docs/specs/jpda/conninv.html#oracle-vm-invocation-options
 */
export function jdwpAgent(port: number): string {
  return `-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:${port}`;
}

/** The environment a debug instance adds. */
export function debugEnv(debug: DebugListen | undefined): Record<string, string> {
  // PYDEVD_DISABLE_FILE_VALIDATION silences debugpy's frozen-modules warning.
  return debug ? { FAASBOX_DEBUG_PORT: String(debug.port), PYDEVD_DISABLE_FILE_VALIDATION: "1" } : {};
}
