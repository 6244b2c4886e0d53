// Java functions in both dialects: handler styles, deployment layouts, I/O, errors and init errors,
// logs, timeout, memory, concurrency, on the docker and process executors. Each function's code is compiled here
// from sources with the JDK's javac against the shim's interfaces (emulator/shims/java/build/faasbox-api.jar).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../../emulator/core/engine";
import { requireDocker } from "../helpers/docker";
import { compileJava, copyClasses, JAVA_API_JAR, jarOf, javaProjectDir, openForReading, removeDir } from "../helpers/javaProject";
import { messageOf } from "../helpers/logLines";

const SOURCES = {
  "example/Hello.java": `package example;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
public class Hello implements RequestHandler<Map<String, Object>, String> {
  public String handleRequest(Map<String, Object> event, Context context) {
    System.out.println("got " + event.get("name"));
    System.err.println("a line on stderr");
    context.getLogger().log("logger line for " + context.getAwsRequestId());
    return "Hello " + event.get("name") + " from " + context.getFunctionName() + " with " + context.getMemoryLimitInMB() + " MB, "
        + (context.getRemainingTimeInMillis() > 0 && context.getRemainingTimeInMillis() <= 3000 ? "time left" : "no time left");
  }
}
`,
  // A POJO in and out, as the clouds map them: camel-case properties, unknown ones ignored, nulls left out.
  "example/Orders.java": `package example;
import com.amazonaws.services.lambda.runtime.Context;
public class Orders {
  public static class Order { private String orderId; private int quantity; private Double discount;
    public String getOrderId() { return orderId; } public void setOrderId(String v) { orderId = v; }
    public int getQuantity() { return quantity; } public void setQuantity(int v) { quantity = v; }
    public Double getDiscount() { return discount; } public void setDiscount(Double v) { discount = v; } }
  public static class Receipt { private String orderId; private int total; private String note;
    public String getOrderId() { return orderId; } public int getTotal() { return total; } public String getNote() { return note; } }
  public Receipt place(Order order, Context context) {
    Receipt r = new Receipt(); r.orderId = order.getOrderId(); r.total = order.getQuantity() * 5; return r;
  }
}
`,
  "example/Strings.java": `package example;
public class Strings {
  public String upper(String text) { return text.toUpperCase(); }
  public static int twice(int n) { return n * 2; }
}
`,
  "example/Streams.java": `package example;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.*;
public class Streams implements RequestStreamHandler {
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    byte[] bytes = in.readAllBytes();
    out.write(("{\\"bytes\\":" + bytes.length + ",\\"raw\\":" + new String(bytes, "UTF-8") + "}").getBytes("UTF-8"));
  }
}
`,
  "example/Fails.java": `package example;
import com.amazonaws.services.lambda.runtime.Context;
import java.util.Map;
public class Fails {
  public String boom(Map<String, Object> event, Context context) {
    try { Integer.parseInt("x"); } catch (NumberFormatException e) { throw new IllegalStateException("bad state", e); }
    return "unreachable";
  }
  public String slow(Map<String, Object> event, Context context) throws Exception { System.out.println("sleeping"); Thread.sleep(10_000); return "late"; }
  public int hog(Map<String, Object> event) { java.util.List<long[]> all = new java.util.ArrayList<>(); while (true) all.add(new long[1 << 20]); }
}
`,
  "example/BadInit.java": `package example;
public class BadInit {
  static { if (Boolean.parseBoolean("true")) throw new IllegalArgumentException("static init failed"); }
  public String handle(String in) { return in; }
}
`,
  // SCF's getting-started example (https://tencentcloud.com/zh/document/product/583/12214), with SCF's context.
  "example/ScfHello.java": `package example;
import com.qcloud.scf.runtime.Context;
public class ScfHello {
  public static class KeyValueClass { String key1; String key2;
    public String getKey1() { return key1; } public void setKey1(String v) { key1 = v; }
    public String getKey2() { return key2; } public void setKey2(String v) { key2 = v; } }
  public String mainHandler(KeyValueClass kv, Context context) {
    System.out.println("Hello world!");
    System.out.println(String.format("key1 = %s", kv.getKey1()));
    return String.format("Hello World %s %s %d %d", kv.getKey2(), context.getRequestId(), context.getMemoryLimitInMb(), context.getTimeLimitInMs());
  }
}
`,
};

/** A dependency in lib/ of a zip package, and the handler using it. */
const LIB_SOURCES = { "lib/Greeter.java": "package lib;\npublic class Greeter { public static String greet(String n) { return \"hi \" + n + \" from lib\"; } }\n" };
const ZIP_SOURCES = {
  "example/UsesLib.java": "package example;\npublic class UsesLib { public String handle(String name) { return lib.Greeter.greet(name); } }\n",
};

const MANIFEST = `functions:
  hello: { runtime: java17, codeUri: classes, handler: "example.Hello::handleRequest" }
  hello-class: { runtime: java21, codeUri: classes, handler: example.Hello }
  strings: { runtime: java17, codeUri: classes, handler: "example.Strings::upper" }
  twice: { runtime: java17, codeUri: classes, handler: "example.Strings::twice" }
  streams: { runtime: java17, codeUri: classes, handler: example.Streams }
  fails: { runtime: java17, codeUri: classes, handler: "example.Fails::boom" }
  slow: { runtime: java17, codeUri: classes, handler: "example.Fails::slow", timeout: 1 }
  hog: { runtime: java17, codeUri: classes, handler: "example.Fails::hog", memorySize: 128 }
  no-class: { runtime: java17, codeUri: classes, handler: "example.Missing::handle" }
  no-method: { runtime: java17, codeUri: classes, handler: "example.Hello::nothing" }
  bad-init: { runtime: java17, codeUri: classes, handler: "example.BadInit::handle" }
  scf-hello: { runtime: Java8, codeUri: classes, handler: "example.ScfHello::mainHandler" }
  scf-lib: { runtime: Java11, codeUri: zip, handler: "example.UsesLib::handle" }
  maven: { runtime: java17, codeUri: maven, handler: "example.Hello::handleRequest" }
`;

/** SAM takes a jar or zip file as CodeUri (the deployment package itself). */
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties: { Runtime: java11, CodeUri: fat.jar, Handler: "example.Orders::place" }
  ZipWithLib:
    Type: AWS::Serverless::Function
    Properties: { Runtime: java17, CodeUri: package.zip, Handler: "example.UsesLib::handle" }
`;

for (const executor of ["docker", "process"] as const) describe(`Java runtime (${executor} executor)`, () => {
  let emulator: Engine;
  let project: string;

  before(async () => {
    if (executor === "docker") await requireDocker();
    project = javaProjectDir(MANIFEST);
    const classes = compileJava(SOURCES);
    copyClasses(classes, join(project, "classes"));
    // A fat jar that shades its own aws-lambda-java-core (here: the same interfaces), as Maven Shade makes them.
    const shaded = join(project, "shaded-classes");
    copyClasses(classes, shaded);
    execFileSync("jar", ["--extract", "--file", JAVA_API_JAR], { cwd: shaded });
    jarOf(shaded, join(project, "fat.jar"));
    removeDir(shaded);
    // A zip package: classes at the root, dependencies as jars under lib/.
    const lib = jarOf(compileJava(LIB_SOURCES), join(project, "zip", "lib", "greeter.jar"));
    copyClasses(compileJava(ZIP_SOURCES, [lib]), join(project, "zip"));
    execFileSync("jar", ["--create", "--no-manifest", "--file", join(project, "package.zip"), "-C", join(project, "zip"), "."]);
    // A Maven project: its sources, and the jar `mvn package` would have made (older than a source file).
    const maven = join(project, "maven");
    mkdirSync(join(maven, "src", "main", "java", "example"), { recursive: true });
    writeFileSync(join(maven, "pom.xml"), "<project><modelVersion>4.0.0</modelVersion><groupId>example</groupId><artifactId>hello</artifactId><version>1.0</version></project>\n");
    writeFileSync(join(maven, "src", "main", "java", "example", "Hello.java"), SOURCES["example/Hello.java"]);
    jarOf(classes, join(maven, "target", "original-hello-1.0.jar"));
    const built = jarOf(classes, join(maven, "target", "hello-1.0.jar"));
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(built, hourAgo, hourAgo);
    writeFileSync(join(project, "template.yaml"), TEMPLATE);
    openForReading(project);
    emulator = await Engine.create({ root: project, watch: false, executor });
    assert.deepEqual(emulator.problems.map((p) => p.message), []);
  });
  after(async () => {
    await emulator?.shutdown();
    removeDir(project);
  });

  test("a RequestHandler named as Class::method gets the event as a Map and the Lambda context; its output is the request's log", async () => {
    const result = await emulator.invoke("hello", { name: "Ada" });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.result, "Hello Ada from hello with 128 MB, time left");
    const texts = result.logs.map((r) => `${r.stream}:${messageOf(r.text)}`);
    assert.ok(texts.includes("stdout:got Ada"), texts.join("\n"));
    assert.ok(texts.includes("stderr:a line on stderr"), texts.join("\n"));
    assert.ok(texts.includes(`stdout:logger line for ${result.requestId}`), texts.join("\n"));
    assert.ok(result.logs.filter((r) => r.stream !== "system").every((r) => r.requestId === result.requestId), "every line is the request's");
    assert.match(texts.at(-1)!, /^system:REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/);
  });

  test("a RequestHandler named by its class alone runs handleRequest; java21 says it runs on Java 17 here", async () => {
    const result = await emulator.invoke("hello-class", { name: "Grace" });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.result, "Hello Grace from hello-class with 128 MB, time left");
    const texts = result.logs.map((r) => messageOf(r.text));
    // The image's version is probed on the docker executor (the process executor runs this machine's java).
    if (executor === "docker") assert.ok(texts.some((t) => /java21 runs on Java 17\.\d+\.\d+.* not Java 21/.test(t)), texts.join("\n"));
  });

  test("POJO in and out from a fat jar with its own copy of the Lambda interfaces: camel-case properties, unknown ones ignored, nulls left out", async () => {
    const result = await emulator.invoke("Orders", { orderId: "A-1", quantity: 3, extra: true });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.deepEqual(result.result, { orderId: "A-1", total: 15 });
  });

  test("String and int events, a method without a context, a static method", async () => {
    assert.equal((await emulator.invoke("strings", "shout")).result, "SHOUT");
    assert.equal((await emulator.invoke("twice", 21)).result, 42);
  });

  test("an event that does not fit the handler's type is the invocation's error", async () => {
    const result = await emulator.invoke("strings", { not: "a string" });
    assert.equal(result.ok, false);
    assert.equal(result.error?.errorType, "java.lang.RuntimeException");
    assert.equal(result.error?.errorMessage, "An error occurred during JSON parsing");
  });

  test("a RequestStreamHandler reads the event's bytes and writes the response's", async () => {
    const result = await emulator.invoke("streams", { a: [1, 2] });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.deepEqual(result.result, { bytes: 11, raw: { a: [1, 2] } });
  });

  test("a thrown exception: its class name as errorType, its frames as strings, and the trace with its cause in the log", async () => {
    const result = await emulator.invoke("fails", {});
    assert.equal(result.ok, false);
    const error = result.error as { errorType: string; errorMessage: string; stackTrace: string[] };
    assert.equal(error.errorType, "java.lang.IllegalStateException");
    assert.equal(error.errorMessage, "bad state");
    assert.match(error.stackTrace[0], /^example\.Fails\.boom\(Fails\.java:\d+\)$/);
    assert.ok(error.stackTrace.every((frame) => !frame.startsWith("faasbox.") && !frame.includes("reflect")), error.stackTrace.join("\n"));
    const stderr = result.logs.filter((r) => r.stream === "stderr").map((r) => messageOf(r.text)).join("\n");
    assert.match(stderr, /java\.lang\.IllegalStateException: bad state\n\tat example\.Fails\.boom/);
    assert.match(stderr, /\nCaused by: java\.lang\.NumberFormatException: For input string: "x"\n\tat /);
    // The instance serves on after a handled error.
    assert.equal((await emulator.invoke("fails", {})).error?.errorType, "java.lang.IllegalStateException");
  });

  test("init errors: class not found, no such method, a static initialiser that throws", async () => {
    const noClass = await emulator.invoke("no-class", {});
    assert.equal(noClass.ok, false);
    assert.equal(noClass.error?.errorType, "java.lang.ClassNotFoundException");
    assert.match(noClass.error?.errorMessage ?? "", /Class not found: example\.Missing/);
    const noMethod = await emulator.invoke("no-method", {});
    assert.equal(noMethod.error?.errorType, "java.lang.NoSuchMethodException");
    assert.match(noMethod.error?.errorMessage ?? "", /No public method named nothing .* on class example\.Hello/);
    const badInit = await emulator.invoke("bad-init", {});
    assert.equal(badInit.error?.errorType, "java.lang.IllegalArgumentException");
    assert.match(badInit.error?.errorMessage ?? "", /Error loading class example\.BadInit: java\.lang\.IllegalArgumentException: static init failed/);
  });

  test("a handler past its timeout is stopped and reported as timed out", async () => {
    const result = await emulator.invoke("slow", {});
    assert.equal(result.ok, false);
    assert.match(JSON.stringify(result.error), /timed out|Task timed out/i);
  });

  test("a handler that fills the heap gets java.lang.OutOfMemoryError", async () => {
    const result = await emulator.invoke("hog", {});
    assert.equal(result.ok, false);
    assert.equal(result.error?.errorType, "java.lang.OutOfMemoryError");
  });

  test("SCF: the getting-started POJO handler with SCF's context", async () => {
    const result = await emulator.invoke("scf-hello", { key1: "v1", key2: "v2" });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.result, `Hello World v2 ${result.requestId} 128 3000`);
    const texts = result.logs.map((r) => `${r.stream}:${messageOf(r.text)}`);
    assert.ok(texts.includes("stdout:key1 = v1"), texts.join("\n"));
  });

  test("a zip package with classes at its root and a dependency jar under lib/ (SAM), and the same folder for SCF", async () => {
    const result = await emulator.invoke("ZipWithLib", "Lin");
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.result, "hi Lin from lib");
    assert.equal((await emulator.invoke("scf-lib", "Wu")).result, "hi Wu from lib");
  });

  test("a Maven project runs its target/ jar, says which, and warns that it is older than the sources", async () => {
    const result = await emulator.invoke("maven", { name: "Mo" });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.result, "Hello Mo from maven with 128 MB, time left");
    const texts = result.logs.map((r) => messageOf(r.text));
    assert.ok(texts.some((t) => /faasbox: maven runs target\/hello-1\.0\.jar, built /.test(t)), texts.join("\n"));
    assert.ok(texts.some((t) => /target\/hello-1\.0\.jar is older than src\/main\/java\/example\/Hello\.java; rebuild \(mvn package\)/.test(t)), texts.join("\n"));
  });

  test("two concurrent invocations run in two instances", async () => {
    const [a, b] = await Promise.all([emulator.invoke("streams", { n: 1 }), emulator.invoke("streams", { n: 2 })]);
    assert.deepEqual([a.result, b.result], [{ bytes: 7, raw: { n: 1 } }, { bytes: 7, raw: { n: 2 } }]);
    assert.notEqual(a.instanceId, b.instanceId);
  });
});

