import type { FunctionSpec } from "./spec";
import { normalizedName } from "./requirementsFile";

/**
 * Whether the runtime itself provides a package, so that a function may use it without
 * installing it. One place on purpose: the runtime images (another part of Faasbox) decide
 * what they bundle, and this must say the same.
 *
 * - Lambda's Node.js 18 and later include the AWS SDK for JavaScript v3 (`@aws-sdk/*`), up to
 *   Node.js 16 the v2 SDK (`aws-sdk`):
 *   https://aws.amazon.com/blogs/developer/why-and-how-you-should-use-aws-sdk-for-javascript-v3-on-node-js-18/
 *   and https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html ("Runtime-included SDK versions").
 * - Lambda's Python runtimes include boto3 and botocore:
 *   https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html ("Runtime-included SDK versions").
 * SCF's documentation lists no package its runtimes provide for all functions, so none is assumed there.
 */
export function isProvidedByRuntime(spec: Pick<FunctionSpec, "family" | "runtime" | "dialect">, name: string): boolean {
  if (spec.dialect === "scf") return false;
  if (spec.family === "nodejs") {
    const major = Number(/(\d+)/.exec(spec.runtime)?.[1] ?? NaN);
    if (!Number.isFinite(major)) return false;
    return major >= 18 ? name.startsWith("@aws-sdk/") : name === "aws-sdk";
  }
  if (spec.family === "python") return ["boto3", "botocore"].includes(normalizedName(name));
  return false;
}
