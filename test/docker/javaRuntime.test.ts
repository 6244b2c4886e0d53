// Java functions in both dialects: handler styles, layouts, I/O, errors, logs, on the docker executor.
// Each function's code is compiled here from sources with the JDK's javac against the shim's interfaces.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Engine } from "../../emulator/core/engine";
import { requireDocker } from "../helpers/docker";
import { compileJava, copyClasses, javaProjectDir, openForReading, removeDir } from "../helpers/javaProject";
import { messageOf } from "../helpers/logLines";
import { Engine as EngineClass } from "../../emulator/core/engine";

const HELLO = {
  "example/Hello.java": `package example;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
public class Hello implements RequestHandler<Map<String, Object>, String> {
  public String handleRequest(Map<String, Object> event, Context context) {
    System.out.println("got " + event.get("name"));
    context.getLogger().log("logger line for " + context.getAwsRequestId());
    return "Hello " + event.get("name") + " from " + context.getFunctionName() + " with " + context.getMemoryLimitInMB() + " MB";
  }
}
`,
};

const MANIFEST = `functions:
  hello:
    runtime: java17
    codeUri: hello
    handler: example.Hello::handleRequest
  hello-class:
    runtime: java21
    codeUri: hello
    handler: example.Hello
`;

describe("Java runtime (docker executor)", () => {
  let emulator: Engine;
  let project: string;

  before(async () => {
    await requireDocker();
    project = javaProjectDir(MANIFEST);
    copyClasses(compileJava(HELLO), join(project, "hello"));
    openForReading(project);
    emulator = await EngineClass.create({ root: project, watch: false, executor: "docker" });
    assert.deepEqual(emulator.problems.map((p) => p.message), []);
  });
  after(async () => {
    await emulator?.shutdown();
    removeDir(project);
  });

  test("a RequestHandler named as Class::method gets the event as a Map and the Lambda context", async () => {
    const result = await emulator.invoke("hello", { name: "Ada" });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.result, "Hello Ada from hello with 128 MB");
    const texts = result.logs.map((r) => `${r.stream}:${messageOf(r.text)}`);
    assert.ok(texts.includes("stdout:got Ada"), texts.join("\n"));
    assert.ok(texts.includes(`stdout:logger line for ${result.requestId}`), texts.join("\n"));
  });

  test("a RequestHandler named by its class alone runs handleRequest", async () => {
    const result = await emulator.invoke("hello-class", { name: "Grace" });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.result, "Hello Grace from hello-class with 128 MB");
  });
});
