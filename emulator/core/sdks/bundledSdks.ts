import { join } from "node:path";
import type { FunctionSpec } from "../../project/spec";
import manifest from "./runtimeSdks.json";

/** Where Lambda's runtimes keep what they bundle (LAMBDA_RUNTIME_DIR). */
export const RUNTIME_DIR = "/var/runtime";

/**
 * What a function's runtime bundles outside its code: a host folder (in the cache that
 * scripts/setup-runtime-sdks.sh fills) shown read-only to the function at `target`.
 */
export interface BundledSdk {
  /** For messages: "the AWS SDK for JavaScript v3 (3.958.0)". */
  title: string;
  /** The host folder. */
  hostDir: string;
  /** Where the function sees it. */
  target: string;
  /**
   * npm bundles: the cache folder npm installs into (hostDir is its node_modules), the version
   * every package is installed at (at most), and the packages that must always be there.
   */
  npm?: { prefix: string; version: string; always: string[]; pattern: RegExp };
}

/**
 * The bundle of a function's runtime, or undefined when its runtime bundles nothing here.
 *
 * Lambda: "All supported Node.js runtimes include version 3 of the SDK" (nodejs18.x and later);
 * nodejs16.x included v2 (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html,
 * "Runtime dependencies in Node.js"). The Python runtimes include the SDK for Python (Boto3)
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html). The exact version "depends
 * on the runtime version and your AWS Region" and changes with runtime updates (same pages), so
 * one pinned version stands for all (runtimeSdks.json): a v3 release that still supports
 * Node.js 18, the last v2, and Debian 12's boto3 (PyPI is out of reach here).
 *
 * SCF: "For Node.js 14.18 and later, the platform no longer has additional built-in dependency
 * libraries" (https://www.tencentcloud.com/document/product/583/11060) and likewise for Python
 * 3.7 and later (https://www.tencentcloud.com/document/product/583/40323); the older runtimes'
 * lists (COS SDK, tencentcloud-sdk, numpy...) are not provided here (README says which).
 *
 * An image function brings its own runtime and whatever it bundles: nothing is added.
 */
export function bundledSdkFor(spec: FunctionSpec, cacheRoot: string): BundledSdk | undefined {
  if (spec.container || spec.dialect !== "aws") return undefined;
  if (spec.family === "python") {
    const dir = join(cacheRoot, "python-boto3-debian");
    // Lambda's python3.11 and earlier keep boto3 in /var/runtime, on PYTHONPATH (see bundledSdkEnv).
    return { title: "boto3 (Debian 12's)", hostDir: dir, target: RUNTIME_DIR };
  }
  if (spec.family !== "nodejs") return undefined;
  const major = Number(/^nodejs(\d+)/.exec(spec.runtime)?.[1] ?? 0);
  const v2 = major > 0 && major < 18;
  const { version } = v2 ? manifest.awsSdkV2 : manifest.awsSdkV3;
  const prefix = join(cacheRoot, `nodejs-aws-sdk-${v2 ? "v2" : "v3"}-${version}`);
  return {
    title: `the AWS SDK for JavaScript ${v2 ? "v2" : "v3"} (${version})`,
    hostDir: join(prefix, "node_modules"),
    target: `${RUNTIME_DIR}/node_modules`,
    npm: v2
      ? { prefix, version, always: ["aws-sdk"], pattern: /(?<![\w@/-])aws-sdk(?=['"/])/g }
      : { prefix, version, always: [], pattern: /@aws-sdk\/[a-z0-9][a-z0-9.-]*/g },
  };
}
