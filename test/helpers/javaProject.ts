import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./paths";

/** The interfaces a function compiles against (Context, RequestHandler, SCF's Context): the shim's own, as built. */
export const JAVA_API_JAR = join(REPO_ROOT, "emulator", "shims", "java", "build", "faasbox-api.jar");

/** Java sources by path below src/ (`example/Hello.java`). */
export type JavaSources = Record<string, string>;

/**
 * Compiles `sources` with the JDK's javac against the shim's interface jar (and `classpath`) into
 * a fresh folder of classes; returns it. javac's error output is the thrown error's message.
 */
export function compileJava(sources: JavaSources, classpath: string[] = []): string {
  const work = mkdtempSync(join(tmpdir(), "faasbox-javac-"));
  const files: string[] = [];
  for (const [path, text] of Object.entries(sources)) {
    const file = join(work, "src", path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    files.push(file);
  }
  const classes = join(work, "classes");
  mkdirSync(classes);
  execFileSync("javac", ["--release", "17", "-nowarn", "-cp", [JAVA_API_JAR, ...classpath].join(":"), "-d", classes, ...files], { stdio: "pipe" });
  return classes;
}

/** A jar of a folder of classes. */
export function jarOf(classes: string, jarFile: string): string {
  mkdirSync(dirname(jarFile), { recursive: true });
  execFileSync("jar", ["--create", "--file", jarFile, "-C", classes, "."], { stdio: "pipe" });
  return jarFile;
}

/** Copies a folder of classes into `dir` (the layout of a deployment package's root). */
export function copyClasses(classes: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync("cp", ["-a", `${classes}/.`, dir]);
}

/** A project folder readable by the containers' unprivileged user, with `faasbox.yml`. */
export function javaProjectDir(manifest: string): string {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-java-"));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "faasbox.yml"), manifest);
  return dir;
}

/** Makes everything below `dir` readable by every user (the runtime runs as a uid of its own). */
export function openForReading(dir: string): void {
  execFileSync("chmod", ["-R", "a+rX", dir]);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function listJars(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(".jar"));
}
