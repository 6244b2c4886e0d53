import type { RuntimeFamily } from "../config/runtimeFamily";
import type { Dialect } from "./spec";

export interface RuntimeInfo {
  family: RuntimeFamily;
  /** The cloud whose naming the runtime uses. */
  dialect: Dialect;
}

/**
 * Lambda's names are an exact, case-sensitive list: Lambda rejects anything else, so a
 * pattern (nodejsNN.x) would accept names that fail on deploy.
 */
const AWS_RUNTIMES: Readonly<Record<string, RuntimeFamily>> = {
  "nodejs16.x": "nodejs",
  "nodejs18.x": "nodejs",
  "nodejs20.x": "nodejs",
  "nodejs22.x": "nodejs",
  "nodejs24.x": "nodejs",
  "python3.8": "python",
  "python3.9": "python",
  "python3.10": "python",
  "python3.11": "python",
  "python3.12": "python",
  "python3.13": "python",
  "python3.14": "python",
  // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (java8 and java8.al2 are deprecated there; they still run here).
  java8: "java",
  "java8.al2": "java",
  java11: "java",
  java17: "java",
  java21: "java",
  provided: "custom",
  "provided.al2": "custom",
  "provided.al2023": "custom",
};

/** SCF accepts its names in any case and keeps adding versions, so these are patterns. */
const SCF_PATTERNS: ReadonlyArray<[RegExp, RuntimeFamily]> = [
  [/^nodejs\d+(\.\d+|\.x)$/i, "nodejs"],
  [/^python\d\.\d+$/i, "python"],
  // SCF's Java runtimes are Java8 and Java11 (https://www.tencentcloud.com/document/product/583/12214).
  [/^java\d+$/i, "java"],
  [/^customruntime$/i, "custom"],
];

/** Shown when a name is unknown; the patterns accept more than these. */
const SCF_EXAMPLES = [
  "Nodejs6.10",
  "Nodejs8.9",
  "Nodejs10.15",
  "Nodejs12.16",
  "Nodejs14.18",
  "Nodejs16.13",
  "Nodejs18.15",
  "Nodejs20.x",
  "Python2.7",
  "Python3.6",
  "Python3.7",
  "Python3.9",
  "Python3.10",
  "Python3.11",
  "Python3.12",
  "Java8",
  "Java11",
  "CustomRuntime",
];

export function supportedRuntimeNames(dialect?: Dialect): string[] {
  if (dialect === "aws") return Object.keys(AWS_RUNTIMES);
  if (dialect === "scf") return [...SCF_EXAMPLES];
  return [...SCF_EXAMPLES, ...Object.keys(AWS_RUNTIMES)];
}

/**
 * The family and dialect of a runtime name, or undefined when Faasbox cannot run it
 * (Go, Java, PHP, .NET, Ruby...). With `dialect`, only that cloud's names count: a SAM
 * template saying `Nodejs18.15` would not deploy, so it should not run locally either.
 * Without it Lambda's exact names win, so `nodejs20.x` reads as AWS.
 */
export function lookupRuntime(name: string, dialect?: Dialect): RuntimeInfo | undefined {
  if (dialect !== "scf" && Object.hasOwn(AWS_RUNTIMES, name)) return { family: AWS_RUNTIMES[name], dialect: "aws" };
  if (dialect !== "aws") {
    for (const [pattern, family] of SCF_PATTERNS) if (pattern.test(name)) return { family, dialect: "scf" };
  }
  return undefined;
}

/** The problem text for an unknown runtime, listing what would work instead. */
export function unknownRuntimeProblem(name: string, dialect?: Dialect): string {
  return `unknown runtime ${JSON.stringify(name)}; expected one of ${supportedRuntimeNames(dialect).join(", ")}`;
}
