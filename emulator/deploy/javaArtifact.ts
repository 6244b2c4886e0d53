import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
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
  /** How it was found, for the summary ("target/app.jar (Maven build output)"). */
  origin: string;
  warnings: string[];
}

/**
 * Build tools' by-products that are not the deployment package: Maven's sources, javadoc and test
 * jars, the shade plugin's `original-*.jar` (the jar before shading), Gradle's `-plain.jar` (Spring
 * Boot's jar without dependencies).
 */
const NOT_THE_PACKAGE = /(^original-)|(-(sources|javadoc|tests|test-sources|plain)\.jar$)/;

/**
 * The package to upload for a Java function, when it is a built file rather than its code folder:
 * - the .jar or .zip the manifest names (SAM `CodeUri: target/app.jar`), as `sam deploy` uploads it;
 * - a Maven project's `target/*.jar` or a Gradle project's `build/libs/*.jar` (or the zip of its
 *   `build/distributions`, as AWS's Gradle example builds one), the newest when there are several.
 * Both clouds take a jar as the package itself: Lambda "a .zip file archive or JAR file"
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-package.html), SCF "zip/jar packages"
 * (https://cloud.tencent.com/document/product/583/12214). Undefined for a folder of classes (and
 * lib/*.jar), which is zipped as any other code folder: that is the other layout both clouds take.
 * Building is the user's: a project without its output is an error that says which command builds it,
 * and output older than the sources is a warning.
 */
export function javaArtifact(spec: Pick<FunctionSpec, "name" | "runtime" | "codeDir" | "codeArchive">): JavaArtifact | undefined {
  if (!isJavaRuntimeName(spec.runtime)) return undefined;
  if (spec.codeArchive) return { path: spec.codeArchive, origin: `${basename(spec.codeArchive)} (the manifest's code)`, warnings: [] };
  const project = buildProject(spec.codeDir);
  if (!project) return undefined;
  const candidates = project.outputs.flatMap(({ folder, extension }) => filesIn(join(spec.codeDir, folder), extension));
  if (candidates.length === 0) {
    throw new DeployError(
      "config",
      `${spec.name}: ${spec.codeDir} is a ${project.tool} project without its build output (${project.outputs.map((o) => `${o.folder}/*${o.extension}`).join(" or ")}); build it first (${project.command}), Faasbox deploys what the build made`,
    );
  }
  const newest = candidates.sort((a, b) => b.mtimeMs - a.mtimeMs || a.path.localeCompare(b.path))[0];
  const warnings: string[] = [];
  if (candidates.length > 1) warnings.push(`${spec.name}: several build outputs; deploying the newest, ${relative(spec.codeDir, newest.path)} (also there: ${candidates.slice(1).map((c) => relative(spec.codeDir, c.path)).join(", ")})`);
  const newerSource = newestSource(spec.codeDir);
  if (newerSource && newerSource.mtimeMs > newest.mtimeMs) {
    warnings.push(`${spec.name}: ${relative(spec.codeDir, newest.path)} is older than ${relative(spec.codeDir, newerSource.path)}: it does not have your latest changes; run ${project.command} first`);
  }
  return { path: newest.path, origin: `${relative(spec.codeDir, newest.path)} (${project.tool} build output)`, warnings };
}

interface BuildProject {
  tool: "Maven" | "Gradle";
  command: string;
  outputs: { folder: string; extension: ".jar" | ".zip" }[];
}

function buildProject(codeDir: string): BuildProject | undefined {
  if (existsSync(join(codeDir, "pom.xml"))) return { tool: "Maven", command: "mvn package", outputs: [{ folder: "target", extension: ".jar" }] };
  if (["build.gradle", "build.gradle.kts"].some((file) => existsSync(join(codeDir, file)))) {
    return { tool: "Gradle", command: "gradle build", outputs: [{ folder: "build/libs", extension: ".jar" }, { folder: "build/distributions", extension: ".zip" }] };
  }
  return undefined;
}

function filesIn(folder: string, extension: string): { path: string; mtimeMs: number }[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith(extension) && !NOT_THE_PACKAGE.test(name))
    .map((name) => ({ path: join(folder, name), mtimeMs: statSync(join(folder, name)).mtimeMs }))
    .filter((file) => statSync(file.path).isFile());
}

/** The most recently changed file under src/ (Maven's and Gradle's sources and resources). */
function newestSource(codeDir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const { mtimeMs } = statSync(path);
        if (!newest || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
      }
    }
  };
  if (existsSync(join(codeDir, "src"))) walk(join(codeDir, "src"));
  return newest;
}
