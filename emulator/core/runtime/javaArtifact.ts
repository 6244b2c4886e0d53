import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The jar a Java function runs, when its code folder is a Maven or Gradle project. */
export interface JavaArtifact {
  /** Relative to the code folder (`target/app-1.0.jar`); the shim puts it on the function's class path. */
  path?: string;
  /** Said in the function's log at its first invocation: which jar runs, and whether it is older than the sources. */
  notices: string[];
}

/** Build tools' side products, never the function: sources, docs, tests, Maven Shade's pre-shade jar, Spring Boot's plain jar. */
const NOT_THE_FUNCTION = /(-sources|-javadoc|-tests|-plain)\.jar$|^original-/;

/**
 * SAM builds a Java function from its project folder (CodeUri pointing at the pom.xml or
 * build.gradle, https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/building-java.html);
 * Faasbox does not build, it runs what the user's build made: Maven's target/*.jar or Gradle's
 * build/libs/*.jar, the newest when there are several (the shaded jar is written after the plain one).
 * A folder that is no such project (classes at its root, jars under lib/, as a deployment package
 * is laid out: https://docs.aws.amazon.com/lambda/latest/dg/java-package.html) runs as it is.
 */
export function findJavaArtifact(codeDir: string, functionName: string): JavaArtifact {
  const maven = existsSync(join(codeDir, "pom.xml"));
  const gradle = ["build.gradle", "build.gradle.kts"].some((file) => existsSync(join(codeDir, file)));
  if (!maven && !gradle) return { notices: [] };
  const outputDir = maven ? "target" : join("build", "libs");
  const build = maven ? "mvn package" : "gradle build";
  const jars = jarsIn(join(codeDir, outputDir));
  if (jars.length === 0) {
    return { notices: [`faasbox: ${functionName}: no jar in ${outputDir}/ of this ${maven ? "Maven" : "Gradle"} project; build it (${build}): Faasbox runs the build's jar and does not build`] };
  }
  const newest = jars.reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
  const path = relative(codeDir, newest.file);
  const notices = [`faasbox: ${functionName} runs ${path}, built ${new Date(newest.mtimeMs).toISOString()}`];
  const newer = newestSource(join(codeDir, "src"), newest.mtimeMs);
  if (newer) notices.push(`faasbox: ${functionName}: ${path} is older than ${relative(codeDir, newer)}; rebuild (${build}) to run your latest code`);
  return { path, notices };
}

function jarsIn(dir: string): Array<{ file: string; mtimeMs: number }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith(".jar") && !NOT_THE_FUNCTION.test(name))
    .map((name) => ({ file: join(dir, name), mtimeMs: statSync(join(dir, name)).mtimeMs }));
}

/** A file under `dir` changed after `since`, or undefined; a bounded walk (sources trees are small). */
function newestSource(dir: string, since: number, budget = { files: 20_000 }): string | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (--budget.files < 0) return undefined;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newestSource(path, since, budget);
      if (found) return found;
    } else if (entry.isFile() && statSync(path).mtimeMs > since) {
      return path;
    }
  }
  return undefined;
}
