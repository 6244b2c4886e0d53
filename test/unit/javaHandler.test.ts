import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isJavaHandlerSource, isJavaRuntime, javaMethodLine, javaSourceCandidates, parseJavaHandler } from "../../extension/model/javaHandler";
import { functionsOfFile } from "../../extension/debug/functionsOfFile";
import type { FunctionInfo } from "../../emulator/protocol";

function fn(over: Partial<FunctionInfo>): FunctionInfo {
  return {
    name: "hello", runtime: "java17", dialect: "aws", handler: "example.Hello::handleRequest", codeDir: "/ws/hello",
    memoryMb: 512, timeoutSec: 3, maxConcurrency: 1, triggers: [], state: "idle",
    pool: {} as FunctionInfo["pool"], source: { file: "/ws/hello/template.yaml", line: 5 }, isolated: true,
    ...over,
  } as FunctionInfo;
}

test("Java runtime names of both clouds are recognised, and no other family's", () => {
  for (const name of ["java8", "java8.al2", "java11", "java17", "java21", "Java8", "Java11"]) assert.equal(isJavaRuntime(name), true, name);
  for (const name of ["nodejs20.x", "python3.12", "javascript", "provided.al2023"]) assert.equal(isJavaRuntime(name), false, name);
});

test("a handler names class and method; a class alone means handleRequest (RequestHandler)", () => {
  assert.deepEqual(parseJavaHandler("example.Hello::mainHandler"), { className: "example.Hello", method: "mainHandler" });
  assert.deepEqual(parseJavaHandler("example.Handler"), { className: "example.Handler", method: "handleRequest" });
});

test("the handler class's source is looked for under Maven/Gradle's src/main/java, src and the folder, of the code folder and the manifest's folder", () => {
  const maven = fn({ handler: "com.acme.orders.OrderHandler::handleRequest", codeDir: "/ws/orders" , source: { file: "/ws/orders/template.yaml", line: 3 } as FunctionInfo["source"] });
  assert.ok(javaSourceCandidates(maven).includes("/ws/orders/src/main/java/com/acme/orders/OrderHandler.java"));
  assert.equal(isJavaHandlerSource(maven, "/ws/orders/src/main/java/com/acme/orders/OrderHandler.java"), true);
  assert.equal(isJavaHandlerSource(maven, "/ws/orders/src/main/java/com/acme/orders/Other.java"), false);
  // A jar as the code (SAM CodeUri: target/app.jar, unpacked in the cache): the sources are beside the template.
  const jar = fn({ handler: "example.Hello$Inner::run", codeDir: "/ws/.faasbox/cache/zip-1", source: { file: "/ws/app/template.yaml", line: 3 } as FunctionInfo["source"] });
  assert.equal(isJavaHandlerSource(jar, "/ws/app/src/main/java/example/Hello.java"), true);
  // An SCF zip with classes at the root, its sources beside them.
  const scf = fn({ runtime: "Java8", dialect: "scf", handler: "example.Hello::mainHandler", codeDir: "/ws/scf", source: { file: "/ws/scf/serverless.yml", line: 3 } as FunctionInfo["source"] });
  assert.equal(isJavaHandlerSource(scf, "/ws/scf/example/Hello.java"), true);
  // Not a Java function: never.
  assert.equal(isJavaHandlerSource(fn({ runtime: "nodejs20.x" }), "/ws/hello/src/main/java/example/Hello.java"), false);
});

test("F5 in a Java handler's source finds its function, and only it", () => {
  const functions = [
    fn({ name: "a", handler: "example.Hello::handleRequest" }),
    fn({ name: "b", handler: "example.Other::handleRequest" }),
    fn({ name: "c", runtime: "nodejs20.x", handler: "index.handler" }),
  ];
  assert.deepEqual(functionsOfFile(functions, "/ws/hello/src/main/java/example/Hello.java").map((f) => f.name), ["a"]);
  assert.deepEqual(functionsOfFile(functions, "/ws/hello/index.js").map((f) => f.name), ["c"]);
});

test("the lens goes on the handler method's declaration, not on a call or a field of the same name", () => {
  const source = [
    "package example;",
    "",
    "import java.util.Map;",
    "",
    "public class Hello implements RequestHandler<Map<String, Object>, String> {",
    "  private final String handleRequestName = \"x\";",
    "  void helper() { handleRequest(null, null); }",
    "  @Override",
    "  public String handleRequest(Map<String, Object> event, Context context) {",
    "    return \"ok\";",
    "  }",
    "  public static Map<String, List<Integer>>[] mainHandler(KeyValueClass kv) {",
    "    return null;",
    "  }",
    "}",
  ];
  assert.equal(javaMethodLine(source, "handleRequest"), 8);
  assert.equal(javaMethodLine(source, "mainHandler"), 11);
  assert.equal(javaMethodLine(source, "missing"), undefined);
});

test("package.json lets the user set breakpoints in Java files, and the CodeLens is registered for Java", () => {
  const root = join(import.meta.dirname, "..", "..");
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.ok(manifest.contributes.breakpoints.some((b: { language: string }) => b.language === "java"));
  assert.match(readFileSync(join(root, "extension", "extension.ts"), "utf8"), /registerCodeLensProvider\([^)]*\{ language: "java" \}/s);
});
