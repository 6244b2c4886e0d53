import { supportedRuntimeNames } from "../project/runtimes";
import type { FunctionSpec } from "../project/spec";
import type { DeployTarget } from "./types";

export interface TargetRuntime {
  /** The name the target cloud's API takes, when there is one. */
  name?: string;
  /** Why there is none. */
  problem?: string;
  /** Worth knowing about a cross-cloud deploy. */
  warnings: string[];
}

/** AWS names to SCF's: SCF pins a minor version in its Node.js names. */
const AWS_TO_SCF: Readonly<Record<string, string>> = {
  "nodejs16.x": "Nodejs16.13",
  "nodejs18.x": "Nodejs18.15",
  "nodejs20.x": "Nodejs20.x",
  provided: "CustomRuntime",
  "provided.al2": "CustomRuntime",
  "provided.al2023": "CustomRuntime",
};

/**
 * The runtime name for the target cloud. A function deployed to the cloud its manifest
 * was written for keeps its name as written (the manifest loader already checked it is
 * one of that cloud's); across clouds the same language version is looked up, and a
 * version the other cloud lacks is a problem rather than a guess.
 */
export function runtimeForTarget(spec: Pick<FunctionSpec, "runtime" | "dialect">, target: DeployTarget): TargetRuntime {
  const native = (spec.dialect === "scf") === (target === "scf");
  if (native) return { name: spec.runtime, warnings: [] };
  const warnings = [
    `${spec.runtime} was written for ${spec.dialect === "scf" ? "SCF" : "AWS Lambda"}: in ${target === "scf" ? "SCF" : "Lambda"} its events, context and environment follow ${target === "scf" ? "SCF" : "Lambda"}'s formats`,
  ];
  const name = target === "scf" ? toScf(spec.runtime) : toLambda(spec.runtime);
  if (!name) {
    const names = (/^java/i.test(spec.runtime) ? (target === "scf" ? ["Java8", "Java11"] : ["java8.al2", "java11", "java17", "java21"]) : supportedRuntimeNames(target === "scf" ? "scf" : "aws")).join(", ");
    return { warnings, problem: `${target === "scf" ? "SCF" : "Lambda"} has no runtime matching ${spec.runtime}; expected one of ${names}` };
  }
  if (name === "CustomRuntime") warnings.push("SCF starts a custom runtime with scf_bootstrap, not bootstrap: add one to the code folder");
  if (name.startsWith("provided")) warnings.push("Lambda starts a custom runtime with bootstrap, not scf_bootstrap: add one to the code folder");
  return { name, warnings };
}

/**
 * Java across clouds: SCF has Java8 and Java11 (https://cloud.tencent.com/document/product/583/67366),
 * Lambda java8.al2, java11, java17, java21 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-java.html;
 * `java8`, on Amazon Linux 1, takes no new functions since 2024). The same major version or none.
 */
const JAVA_AWS_TO_SCF: Readonly<Record<string, string>> = { java8: "Java8", "java8.al2": "Java8", java11: "Java11" };
const JAVA_SCF_TO_AWS: Readonly<Record<string, string>> = { java8: "java8.al2", java11: "java11" };

function toScf(runtime: string): string | undefined {
  if (AWS_TO_SCF[runtime]) return AWS_TO_SCF[runtime];
  if (/^java/.test(runtime)) return JAVA_AWS_TO_SCF[runtime];
  const python = /^python(\d\.\d+)$/.exec(runtime);
  const name = python ? `Python${python[1]}` : undefined;
  return name && supportedRuntimeNames("scf").includes(name) ? name : undefined;
}

function toLambda(runtime: string): string | undefined {
  if (/^customruntime$/i.test(runtime)) return "provided.al2023";
  if (/^java/i.test(runtime)) return JAVA_SCF_TO_AWS[runtime.toLowerCase()];
  const node = /^nodejs(\d+)\./i.exec(runtime);
  const python = /^python(\d\.\d+)$/i.exec(runtime);
  const name = node ? `nodejs${node[1]}.x` : python ? `python${python[1]}` : undefined;
  return name && supportedRuntimeNames("aws").includes(name) ? name : undefined;
}
