import type { RuntimeFamily } from "./runtimeFamily";

/** The language a runtime name declares and the version the cloud runs it with. */
export interface DeclaredRuntime {
  family: RuntimeFamily;
  /** "22" for Node.js (the clouds run the latest minor of a major), "3.9" for Python, "17" for Java; absent for custom runtimes. */
  version?: string;
  /** Amazon Linux release of a Lambda OS-only runtime (`provided.al2023` -> "al2023"). */
  os?: string;
}

const LANGUAGE_NAMES: Readonly<Record<RuntimeFamily, string>> = { nodejs: "Node.js", python: "Python", java: "Java", custom: "custom runtime" };

/**
 * What a runtime name declares. Lambda names one Node.js major per runtime (`nodejs22.x`) and one
 * Python minor (`python3.9`) (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html);
 * SCF names a Node.js version with its minor (`Nodejs16.13`) or `.x`, and Python as `Python3.9`
 * (its serverless.yml `runtime`, e.g. https://cloud.tencent.com.cn/document/product/1154/39271). SCF's minor is the
 * version it was introduced with; which patch runs is not said, so only the major is compared.
 */
export function declaredRuntime(name: string, family: RuntimeFamily): DeclaredRuntime {
  if (family === "nodejs") {
    const match = /^nodejs(\d+)/i.exec(name);
    return { family, version: match?.[1] };
  }
  if (family === "python") {
    const match = /^python(\d)\.(\d+)$/i.exec(name);
    return { family, version: match ? `${match[1]}.${match[2]}` : undefined };
  }
  if (family === "java") {
    // Lambda's java8, java8.al2, java11, java17, java21 and SCF's Java8, Java11 name a major version
    // (https://docs.aws.amazon.com/lambda/latest/dg/lambda-java.html); java8.al2 is Java 8 on Amazon Linux 2.
    const match = /^java(\d+)(?:\.(al\d+))?$/i.exec(name);
    return { family, version: match?.[1], os: match?.[2] };
  }
  const os = /^provided\.(al\d+)$/.exec(name)?.[1] ?? (name === "provided" ? "amzn1" : undefined);
  return { family, os };
}

/** "Node.js 22", "Python 3.9", "custom runtime". */
export function describeDeclared(declared: DeclaredRuntime): string {
  return declared.version ? `${LANGUAGE_NAMES[declared.family]} ${declared.version}` : LANGUAGE_NAMES[declared.family];
}

export function languageName(family: RuntimeFamily): string {
  return LANGUAGE_NAMES[family];
}

/**
 * The key of a version in the user config's `images` (`nodejs@22`, `python@3.9`): where
 * `npm run setup` records the image it built for that version.
 */
export function versionKey(declared: DeclaredRuntime): string | undefined {
  return declared.version ? `${declared.family}@${declared.version}` : undefined;
}

/**
 * The Debian release of the official Docker Hub image of an old version: the images of a
 * version stop being built at its end of life, so the newest Debian it has is older than
 * bookworm for versions that ended before bookworm's release (June 2023). Tags as listed on
 * https://hub.docker.com/_/node and https://hub.docker.com/_/python (not verified from here:
 * this machine reaches no registry).
 */
const NODE_SUITES: Readonly<Record<string, string>> = { "6": "stretch", "8": "buster", "10": "buster", "12": "bullseye", "14": "bullseye" };
const PYTHON_SUITES: Readonly<Record<string, string>> = { "2.7": "buster", "3.6": "bullseye" };

/** The official Docker Hub image of a declared version, or undefined when the name declares none. */
export function publicImage(declared: DeclaredRuntime): string | undefined {
  if (!declared.version) return undefined;
  if (declared.family === "nodejs") return `node:${declared.version}-${NODE_SUITES[declared.version] ?? "bookworm"}-slim`;
  if (declared.family === "python") return `python:${declared.version}-slim-${PYTHON_SUITES[declared.version] ?? "bookworm"}`;
  // Docker Hub's `openjdk` images are deprecated; Eclipse Temurin's JRE images are the official ones (https://hub.docker.com/_/eclipse-temurin).
  if (declared.family === "java") return `eclipse-temurin:${declared.version}-jre`;
  return undefined;
}

/**
 * AWS's base image of a Lambda runtime, the opt-in choice (`imageSource: lambda`): they carry
 * the runtime interface client and Amazon Linux. Tags per runtime as listed in
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-image.html (`public.ecr.aws/lambda/nodejs:22`),
 * https://docs.aws.amazon.com/lambda/latest/dg/python-image.html (`public.ecr.aws/lambda/python:3.12`)
 * and https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#runtimes-images-provided
 * (`public.ecr.aws/lambda/provided:al2023`). SCF publishes no base images.
 */
export function lambdaBaseImage(declared: DeclaredRuntime): string | undefined {
  if (declared.family === "custom") return declared.os === "al2" || declared.os === "al2023" ? `public.ecr.aws/lambda/provided:${declared.os}` : undefined;
  // https://docs.aws.amazon.com/lambda/latest/dg/java-image.html: public.ecr.aws/lambda/java:21, and :8.al2 for java8.al2.
  if (declared.family === "java") return declared.version ? `public.ecr.aws/lambda/java:${declared.version}${declared.os ? `.${declared.os}` : ""}` : undefined;
  return declared.version ? `public.ecr.aws/lambda/${declared.family}:${declared.version}` : undefined;
}

/**
 * Whether a version found in an image (`20.20.2`, `3.11.2`, `17.0.15`, `1.8.0_392`) is the one
 * declared: the same major for Node.js and Java (Java 8 calls itself 1.8), the same major.minor for Python.
 */
export function versionMatches(declared: DeclaredRuntime, actual: string): boolean {
  if (!declared.version) return true;
  const parts = actual.split(".");
  const wanted = declared.version.split(".");
  if (declared.family === "nodejs") return parts[0] === wanted[0];
  if (declared.family === "java") return (parts[0] === "1" ? parts[1] : parts[0]) === wanted[0];
  return parts[0] === wanted[0] && parts[1] === wanted[1];
}
