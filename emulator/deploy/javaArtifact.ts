import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { findJavaArtifact } from "../core/runtime/javaArtifact";
import type { FunctionSpec } from "../project/spec";
import { DeployError } from "./errors";

/** Lambda's java8, java8.al2, java11, java17, java21 and SCF's Java8, Java11. */
export function isJavaRuntimeName(runtime: string): boolean {
  return /^java\d/i.test(runtime);
}

/** A built Java package that is uploaded as it is, instead of a zip of the code folder. */
export interface JavaArtifact {
  /** Absolute path of the .jar or .zip. */
  path: string;
  /** How it was found, for the summary ("target/app.jar (the build's output)"). */
  origin: string;
  warnings: string[];
}

/**
 * The package to upload for a Java function, when it is a built file rather than its code folder:
 * - the .jar or .zip the manifest names (SAM `CodeUri: target/app.jar`), as `sam deploy` uploads it;
 * - a Maven or Gradle project's jar, the one the function runs locally (core/runtime/javaArtifact.ts
 *   chooses it for both, so what is deployed is what was tried).
 * Both clouds take a jar as the package itself: Lambda "a .zip file archive or JAR file"
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-package.html), SCF "zip/jar packages"
 * (https://cloud.tencent.com/document/product/583/12214). Undefined for a folder of classes (and
 * lib/*.jar), which is zipped as any other code folder: that is the other layout both clouds take.
 * Building is the user's: a project without its jar is an error that says which command builds it,
 * and a jar older than the sources is a warning.
 */
export function javaArtifact(spec: Pick<FunctionSpec, "name" | "runtime" | "codeDir" | "codeArchive">): JavaArtifact | undefined {
  if (!isJavaRuntimeName(spec.runtime)) return undefined;
  if (spec.codeArchive) return { path: spec.codeArchive, origin: `${basename(spec.codeArchive)} (the manifest's code)`, warnings: [] };
  const maven = existsSync(join(spec.codeDir, "pom.xml"));
  const found = findJavaArtifact(spec.codeDir, spec.name);
  if (found.path) {
    // The first notice says which jar runs; the others (a jar older than the sources) matter for a deploy too.
    const warnings = found.notices.slice(1).map((notice) => notice.replace(/^faasbox: /, ""));
    return { path: join(spec.codeDir, found.path), origin: `${found.path} (the ${maven ? "Maven" : "Gradle"} build's jar)`, warnings };
  }
  if (found.notices.length === 0) return undefined; // not a Maven or Gradle project
  const [outputs, command] = maven ? ["target/*.jar", "mvn package"] : ["build/libs/*.jar", "gradle build"];
  throw new DeployError(
    "config",
    `${spec.name}: ${spec.codeDir} is a ${maven ? "Maven" : "Gradle"} project without its jar (${outputs}); build it first (${command}): Faasbox deploys what the build made`,
  );
}
