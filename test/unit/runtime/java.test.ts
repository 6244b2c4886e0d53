// Java runtime names, versions, JVM flags, handler strings and the build artefact a project runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { declaredRuntime, lambdaBaseImage, publicImage, versionMatches } from "../../../emulator/config/runtimeVersions";
import { parseProbe } from "../../../emulator/core/docker/imageProbe";
import { javaCommand } from "../../../emulator/core/runtime/javaCommand";
import { findJavaArtifact } from "../../../emulator/core/runtime/javaArtifact";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { load, where, writeProject } from "../project/projectFiles";

test("Java runtime names declare a major version; java8.al2 also its Amazon Linux", () => {
  assert.deepEqual(declaredRuntime("java17", "java"), { family: "java", version: "17", os: undefined });
  assert.deepEqual(declaredRuntime("java8.al2", "java"), { family: "java", version: "8", os: "al2" });
  assert.deepEqual(declaredRuntime("Java11", "java"), { family: "java", version: "11", os: undefined });
  assert.equal(publicImage(declaredRuntime("java21", "java")), "eclipse-temurin:21-jre");
  assert.equal(lambdaBaseImage(declaredRuntime("java8.al2", "java")), "public.ecr.aws/lambda/java:8.al2");
  assert.equal(lambdaBaseImage(declaredRuntime("java17", "java")), "public.ecr.aws/lambda/java:17");
});

test("the Java version an image runs: java -version's number, Java 8 as 1.8", () => {
  assert.equal(parseProbe('sh=/usr/bin/bash\nbash=/usr/bin/bash\njava=openjdk version "17.0.21.1" 2026-11-17\n').java, "17.0.21.1");
  assert.equal(parseProbe('java=openjdk version "1.8.0_392"\n').java, "1.8.0_392");
  assert.equal(parseProbe("java=\n").java, undefined);
  assert.equal(versionMatches(declaredRuntime("java17", "java"), "17.0.21.1"), true);
  assert.equal(versionMatches(declaredRuntime("java8", "java"), "1.8.0_392"), true);
  assert.equal(versionMatches(declaredRuntime("Java8", "java"), "17.0.15"), false);
  assert.equal(versionMatches(declaredRuntime("java21", "java"), "17.0.15"), false);
});

const spec = (runtime: string, memoryMb = 512) => ({ runtime, memoryMb }) as FunctionSpec;

test("JVM flags: serial GC, tiered compilation stopped at level 1 from Java 17 as Lambda does, the heap from the memory size", () => {
  const java17 = javaCommand(spec("java17"), "/shims");
  assert.deepEqual(java17.slice(0, 5), ["java", "-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xmx435m"]);
  assert.deepEqual(java17.slice(-3), ["-cp", "/shims/java/build/faasbox-runtime.jar", "faasbox.runtime.Bootstrap"]);
  const java11 = javaCommand(spec("java11", 128), "/shims", ["-XX:SharedArchiveFile=/c/classes.jsa"]);
  assert.ok(!java11.some((flag) => flag.startsWith("-XX:TieredStopAtLevel")), "Java 11 keeps the JVM's defaults on Lambda");
  assert.ok(java11.includes("-Xmx108m"));
  assert.ok(java11.includes("-XX:SharedArchiveFile=/c/classes.jsa"));
});

test("a bad Java handler string is a problem naming the manifest's file, line and field", () => {
  const root = writeProject({
    "faasbox.yml": "functions:\n  ok:\n    runtime: java17\n    handler: example.Hello::handleRequest\n  bad:\n    runtime: Java8\n    handler: example.Hello.handleRequest()\n",
  });
  const { problems } = load(root);
  assert.equal(problems.length, 1, problems.map((p) => p.message).join("\n"));
  assert.deepEqual(where(problems[0]), { file: join(root, "faasbox.yml"), line: 7, field: "functions.bad.handler" });
  assert.match(problems[0].message, /expected package\.Class::method/);
});

test("a Maven project runs the newest target/ jar (not original- or -sources), and says when sources are newer", () => {
  const root = writeProject({ "pom.xml": "<project/>", "src/main/java/example/Hello.java": "class Hello {}" });
  const old = new Date(Date.now() - 60_000);
  mkdirSync(join(root, "target"));
  for (const name of ["hello-1.0.jar", "original-hello-1.0.jar", "hello-1.0-sources.jar"]) writeFileSync(join(root, "target", name), "");
  utimesSync(join(root, "target", "hello-1.0.jar"), old, old);
  const artifact = findJavaArtifact(root, "fn");
  assert.equal(artifact.path, "target/hello-1.0.jar");
  assert.match(artifact.notices[0], /^faasbox: fn runs target\/hello-1\.0\.jar, built /);
  assert.match(artifact.notices[1], /target\/hello-1\.0\.jar is older than src\/main\/java\/example\/Hello\.java; rebuild \(mvn package\)/);
});

test("a Gradle project runs build/libs' jar (not -plain); a project without a jar says to build it; a plain folder runs as it is", () => {
  const gradle = writeProject({ "build.gradle": "", "build/libs/app-plain.jar": "", "build/libs/app-all.jar": "" });
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(gradle, "build", "libs", "app-plain.jar"), new Date(), new Date());
  utimesSync(join(gradle, "build", "libs", "app-all.jar"), old, old);
  assert.equal(findJavaArtifact(gradle, "fn").path, "build/libs/app-all.jar");
  const unbuilt = writeProject({ "pom.xml": "<project/>" });
  assert.deepEqual(findJavaArtifact(unbuilt, "fn"), { notices: ["faasbox: fn: no jar in target/ of this Maven project; build it (mvn package): Faasbox runs the build's jar and does not build"] });
  const plain = writeProject({ "example/Hello.class": "", "lib/dep.jar": "" });
  assert.deepEqual(findJavaArtifact(plain, "fn"), { notices: [] });
});
