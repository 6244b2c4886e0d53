import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ZipFile } from "yazl";
import { packageFunction } from "../../../emulator/deploy/package";
import { runtimeForTarget } from "../../../emulator/deploy/runtimeNames";
import { createLambdaProvider } from "../../../emulator/deploy/lambda";
import { createScfProvider } from "../../../emulator/deploy/scf";
import type { FunctionSpec } from "../../../emulator/project/spec";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_ROLE, AWS_TEST_SECRET_ACCESS_KEY, FakeLambda } from "../../helpers/fakeClouds/fakeLambda";
import { FakeScf, SCF_TEST_SECRET_ID, SCF_TEST_SECRET_KEY } from "../../helpers/fakeClouds/fakeScf";
import { readZipEntries } from "../../helpers/fakeClouds/zipCheck";
import { FAST, specFor, writeTree } from "./deployTestKit";

/** A jar as a build tool leaves it: a zip with the classes at its root (and a manifest). */
function jar(entries: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name);
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks))).on("error", reject);
  });
}

const HELLO_JAR = { "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "example/Hello.class": "\xca\xfe\xba\xbe class bytes" };

function javaSpec(codeDir: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  // family stays as specFor gives it: the Java family is the runtime's work; packaging goes by the runtime name.
  return specFor(codeDir, { name: "hello-java", dialect: "aws", runtime: "java21", handler: "example.Hello::handleRequest", region: "eu-west-1", ...overrides });
}

function ago(file: string, seconds: number): void {
  const when = new Date(Date.now() - seconds * 1000);
  utimesSync(file, when, when);
}

test("a Maven project deploys its built jar as it is, not its sources nor the build's by-products", async () => {
  const root = writeTree({ "pom.xml": "<project/>", "src/main/java/example/Hello.java": "package example; public class Hello {}\n" });
  const built = await jar(HELLO_JAR);
  mkdirSync(join(root, "target"));
  for (const [name, bytes] of [["target/hello-1.0.jar", built], ["target/original-hello-1.0.jar", await jar({ "x.class": "" })], ["target/hello-1.0-sources.jar", await jar({ "example/Hello.java": "" })]] as const) {
    const path = join(root, name);
    writeFileSync(path, bytes);
  }
  ago(join(root, "src/main/java/example/Hello.java"), 60);
  const packaged = await packageFunction(javaSpec(root));
  assert.ok(packaged.zip.equals(built), "the upload is the jar's own bytes");
  assert.deepEqual(packaged.files, ["META-INF/MANIFEST.MF", "example/Hello.class"]);
  assert.deepEqual(packaged.warnings, ["hello-java: deploying target/hello-1.0.jar (the Maven build's jar) as it is"]);
});

test("a jar older than the sources is deployed with a warning saying so and what builds it", async () => {
  const root = writeTree({ "pom.xml": "<project/>", "src/main/java/example/Hello.java": "package example; public class Hello {}\n" });
  mkdirSync(join(root, "target"));
  writeFileSync(join(root, "target/app.jar"), await jar(HELLO_JAR));
  ago(join(root, "target/app.jar"), 120);
  const packaged = await packageFunction(javaSpec(root));
  assert.ok(packaged.warnings.some((w) => w === "hello-java: target/app.jar is older than src/main/java/example/Hello.java; rebuild (mvn package) to run your latest code"), packaged.warnings.join("\n"));
});

test("a Maven or Gradle project without its build output is an error naming what builds it", async () => {
  const maven = writeTree({ "pom.xml": "<project/>", "src/main/java/example/Hello.java": "" });
  await assert.rejects(packageFunction(javaSpec(maven)), /is a Maven project without its jar \(target\/\*\.jar\); build it first \(mvn package\)/);
  const gradle = writeTree({ "build.gradle.kts": "", "src/main/java/example/Hello.java": "" });
  await assert.rejects(packageFunction(javaSpec(gradle)), /is a Gradle project without its jar \(build\/libs\/\*\.jar\); build it first \(gradle build\)/);
});

test("a Gradle project deploys build/libs' jar, not Spring Boot's -plain.jar", async () => {
  const root = writeTree({ "build.gradle": "" });
  mkdirSync(join(root, "build/libs"), { recursive: true });
  const built = await jar(HELLO_JAR);
  writeFileSync(join(root, "build/libs/app.jar"), built);
  writeFileSync(join(root, "build/libs/app-plain.jar"), await jar({ "y.class": "" }));
  const packaged = await packageFunction(javaSpec(root));
  assert.ok(packaged.zip.equals(built));
});

test("the jar a SAM CodeUri names is uploaded as it is, before anything unpacked it", async () => {
  const root = writeTree({ "template.yaml": "" });
  const built = await jar(HELLO_JAR);
  writeFileSync(join(root, "app.jar"), built);
  const packaged = await packageFunction(javaSpec(join(root, ".faasbox/cache/never-unpacked"), { codeArchive: join(root, "app.jar") }));
  assert.ok(packaged.zip.equals(built));
  assert.equal(packaged.warnings[0], "hello-java: deploying app.jar (the manifest's code) as it is");
});

test("a folder of classes with lib/*.jar is zipped as it is (the layout both clouds take), and a missing handler class is warned about", async () => {
  const withLib = writeTree({ "example/Hello.class": "c", "lib/gson.jar": "j" });
  const zipped = await packageFunction(javaSpec(withLib, { dialect: "scf", runtime: "Java8", handler: "example.Hello::mainHandler" }));
  assert.deepEqual(zipped.files, ["example/Hello.class", "lib/gson.jar"]);
  assert.deepEqual(zipped.warnings, []);
  const wrong = writeTree({ "example/Other.class": "c" });
  const warned = await packageFunction(javaSpec(wrong, { dialect: "scf", runtime: "Java8", handler: "example.Hello::mainHandler" }));
  assert.deepEqual(warned.warnings, ["the zip has no example/Hello.class, so the cloud will not find the handler example.Hello::mainHandler; check .gitignore and .faasboxignore"]);
});

test("Java runtime names across clouds: the same major version, or a problem listing the other cloud's", () => {
  const scf = (runtime: string) => runtimeForTarget({ runtime, dialect: "scf" }, "lambda");
  const aws = (runtime: string) => runtimeForTarget({ runtime, dialect: "aws" }, "scf");
  assert.equal(scf("Java8").name, "java8.al2");
  assert.equal(scf("Java11").name, "java11");
  assert.equal(aws("java8.al2").name, "Java8");
  assert.equal(aws("java11").name, "Java11");
  assert.equal(aws("java21").problem, "SCF has no runtime matching java21; expected one of Java8, Java11");
  assert.equal(runtimeForTarget({ runtime: "java21", dialect: "aws" }, "lambda").name, "java21");
});

const SCF_KEYS = { TENCENTCLOUD_SECRET_ID: SCF_TEST_SECRET_ID, TENCENTCLOUD_SECRET_KEY: SCF_TEST_SECRET_KEY };

let lambda: FakeLambda;
let scfCloud: FakeScf;
before(async () => {
  lambda = await new FakeLambda({ transitionMs: 50 }).start();
  scfCloud = await new FakeScf({ transitionMs: 50 }).start();
});
after(async () => {
  await lambda.close();
  await scfCloud.close();
});

test("deploying a Java function sends the jar and the runtime name each cloud's API takes", async () => {
  const root = writeTree({ "pom.xml": "<project/>" });
  mkdirSync(join(root, "target"));
  writeFileSync(join(root, "target/app.jar"), await jar(HELLO_JAR));

  const toLambda = createLambdaProvider({ credentials: { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY }, env: {}, endpoint: lambda.url, timing: FAST, role: AWS_TEST_ROLE });
  const spec = javaSpec(root, { name: "java-lambda" });
  const plan = await toLambda.plan(spec, await packageFunction(spec));
  await toLambda.apply(plan, () => undefined);
  const fn = lambda.state.get("eu-west-1", "java-lambda");
  assert.deepEqual([fn.config.Runtime, fn.config.Handler], ["java21", "example.Hello::handleRequest"]);
  assert.deepEqual((await readZipEntries(fn.zip))!.map((e) => e.name), ["META-INF/MANIFEST.MF", "example/Hello.class"]);
  assert.ok(fn.zip.equals(readFileSync(join(root, "target/app.jar"))));

  const toScf = createScfProvider({ env: SCF_KEYS, endpoint: scfCloud.url, timing: FAST });
  const scfSpec = javaSpec(root, { name: "java-scf", dialect: "scf", runtime: "Java8", handler: "example.Hello::mainHandler", region: "ap-guangzhou" });
  const scfPlan = await toScf.plan(scfSpec, await packageFunction(scfSpec));
  await toScf.apply(scfPlan, () => undefined);
  const scfFn = scfCloud.state.functions.get("ap-guangzhou/default/java-scf")!;
  assert.deepEqual([scfFn.Runtime, scfFn.Handler], ["Java8", "example.Hello::mainHandler"]);
  assert.ok(scfFn.zip.equals(readFileSync(join(root, "target/app.jar"))));
});
