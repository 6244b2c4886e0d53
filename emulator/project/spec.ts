import type { RuntimeFamily } from "../config/runtimeFamily";
import type { DatabaseSourceSpec } from "./databaseSources";

import type { Dialect, HttpRoute, SourceLocation, TriggerSpec } from "../protocol";

// The trigger and location shapes are the protocol's: the editor shows them as they are.
export type { AuthorizerSpec, DatabaseTrigger, Dialect, EventRuleTrigger, FunctionUrlTrigger, HttpRoute, IdentitySource, JwtAuthorizerSpec, LambdaAuthorizerSpec, RouteAuth, SourceLocation, StorageTrigger, StreamTrigger, TimerTrigger, TopicTrigger, TriggerSpec } from "../protocol";

/** The one internal description of a function, whatever manifest it came from. */
export interface FunctionSpec {
  name: string;
  dialect: Dialect;
  /** The runtime name as the manifest wrote it, e.g. "Nodejs18.15" or "python3.12". */
  runtime: string;
  family: RuntimeFamily;
  /** Absolute path of the code folder on the host. */
  codeDir: string;
  /** "file.export" (Node), "module.function" (Python), or the bootstrap's argument (custom). */
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  /** Manifest variables, then .env files, merged (later wins). */
  environment: Record<string, string>;
  triggers: TriggerSpec[];
  /** SCF namespace ("default") or AWS region, for context fields and ARNs. */
  namespace: string;
  region: string;
  /** Local-only settings (faasbox.yml or defaults). */
  maxConcurrency: number;
  /** Invocations that may wait for an instance before new ones are throttled. */
  queueSize: number;
  keepAliveMs: number;
  minWarm: number;
  /**
   * Left out of the deployed zip, in gitignore syntax relative to the code folder
   * (serverless.yml `src.exclude`). The function still runs locally with them.
   */
  packageExclude?: string[];
  /**
   * Layers' contents on the host (folders or .zip files), in order: extracted under /opt at
   * launch, a later one's files overwriting an earlier one's, as Lambda and SCF do.
   */
  layers?: string[];
  /**
   * The cloud's cap on concurrent executions (Lambda's ReservedConcurrentExecutions): it
   * caps maxConcurrency whatever faasbox.yml or the CLI say, and 0 throttles every call.
   */
  reservedConcurrency?: number;
  /** Retries of a failed asynchronous event (Lambda's EventInvokeConfig); the queue's default otherwise. */
  asyncRetries?: number;
  /** An asynchronous event older than this is not attempted again but dead-lettered (EventInvokeConfig). */
  asyncMaxEventAgeSec?: number;
  /**
   * A zip package (SAM `CodeUri: fn.zip`) that `codeDir` is unpacked from at the first launch;
   * until then codeDir may not exist.
   */
  codeArchive?: string;
  /**
   * Set when the function runs its `faasbox build` output (see buildOutput.ts): codeDir is
   * then the build folder and sourceDir the manifest's code folder it was built from.
   */
  build?: { sourceDir: string; buildDir: string };
  /** Explicit image for this function, overriding the runtime family's. */
  image?: string;
  /** SAM `Architectures` / serverless.yml `architecture`: the instruction set it runs on in the cloud (x86_64 when absent). */
  architecture?: "x86_64" | "arm64";
  /** A container image function (SAM `PackageType: Image`): its image runs its own runtime client. */
  container?: ContainerImage;
  /** An SCF Web function: its code folder's scf_bootstrap starts a web server that gets HTTP requests as sent (see WebFunction). */
  web?: WebFunction;
  source: SourceLocation;
}

/**
 * An SCF Web function (serverless.yml `type: web`, the SCF template's `Type: HTTP`, faasbox.yml
 * `type: web`): no handler, no event. The executable `scf_bootstrap` in the code folder starts the
 * user's own web server listening on port 9000, and the API gateway passes each request through to
 * it (https://cloud.tencent.com/document/product/583/56126, https://cloud.tencent.com/document/product/583/56124).
 */
export interface WebFunction {
  /**
   * Requests one instance serves at once: 1 (SCF's default, one request per instance), or the
   * function's InstanceConcurrencyConfig.MaxConcurrency, 1 to 100, for web functions only
   * (单实例多并发: https://www.tencentcloud.com/document/product/583/47183).
   */
  instanceConcurrency: number;
  /**
   * How long scf_bootstrap may take until port 9000 accepts (初始化超时时间): 3 to 300 s, 60 s by
   * default for functions not deployed as images (SCF's answer at https://developer.aliyun.com/ask/381687
   * quotes the console's text; Tencent's own pages list the setting without the numbers).
   */
  initTimeoutSec: number;
}

/** SCF's default init timeout for a code-package function (see WebFunction.initTimeoutSec). */
export const WEB_INIT_TIMEOUT_SEC = 60;
/** Port the web server must listen on, on every interface (启动文件说明, 使用前提). */
export const WEB_PORT = 9000;

/**
 * A route an API declares (in an OpenAPI body) whose integration is not a function Faasbox
 * runs: a mock, an HTTP proxy to elsewhere, an AWS service. It is served, answering why it
 * cannot run, so that a request never falls through to another route (`{proxy+}`).
 */
export interface UnservedRoute {
  route: HttpRoute;
  /** What the integration is and why Faasbox does not run it. */
  reason: string;
  source: SourceLocation;
}

export interface ProjectSpec {
  root: string;
  functions: FunctionSpec[];
  /** Routes of API resources that map to no runnable function (see UnservedRoute). */
  unservedRoutes?: UnservedRoute[];
  /** Manifest files read, for watching. */
  manifests: string[];
  /** Images per runtime family from faasbox.yml. */
  images: Partial<Record<RuntimeFamily, string>>;
  /** faasbox.yml `databases:`: sources whose row changes run functions (see triggers/database/consumers.ts). */
  databases?: DatabaseSourceSpec[];
}

export const FUNCTION_DEFAULTS = {
  memoryMb: 128,
  timeoutSec: 3,
  maxConcurrency: 10,
  queueSize: 100,
  keepAliveMs: 5 * 60_000,
  minWarm: 0,
} as const;

/**
 * A function packaged as a container image. Either `build` (a Dockerfile, built locally) or
 * `imageUri` (an image the Docker engine must already hold). The overrides are Lambda's
 * ImageConfig: https://docs.aws.amazon.com/lambda/latest/api/API_ImageConfig.html
 */
export interface ContainerImage {
  build?: {
    /** Absolute path of the build context folder. */
    context: string;
    /** The Dockerfile, relative to the context. */
    dockerfile: string;
    buildArgs: Record<string, string>;
    /** Metadata.DockerTag: an extra tag the built image gets. */
    tag?: string;
  };
  imageUri?: string;
  entryPoint?: string[];
  command?: string[];
  workingDirectory?: string;
}
