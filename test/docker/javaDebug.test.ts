// Debugging a Java function at the protocol level with the JDK's own jdb: the debug instance starts
// the JVM with JDWP listening and suspended, the session reports the port once it listens, and jdb
// attaches, stops at a line of the handler, reads a local variable and continues to the result.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../emulator/core/engine";
import { requireDocker } from "../helpers/docker";
import { JAVA_API_JAR, javaProjectDir, openForReading, removeDir } from "../helpers/javaProject";
import { JdbSession } from "../helpers/jdbSession";

const HELLO = `package example;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
public class Hello implements RequestHandler<Map<String, Object>, String> {
  public String handleRequest(Map<String, Object> event, Context context) {
    String greeting = "Hello " + event.get("name");
    return greeting + "!";
  }
}
`;
/** The line of `return greeting + "!";`, where `greeting` is set. */
const RETURN_LINE = 8;

const SCF_HELLO = `package example;
import java.util.Map;
public class ScfHello {
  public String mainHandler(Map<String, Object> event) {
    int count = ((Number) event.get("count")).intValue() * 2;
    return "count " + count;
  }
}
`;

const MANIFEST = `functions:
  hello-java:
    runtime: java17
    codeUri: code
    handler: example.Hello::handleRequest
    timeout: 1
  hello-scf-java:
    runtime: Java8
    codeUri: code
    handler: example.ScfHello::mainHandler
    timeout: 1
`;

/** javac with -g: the local variables' names and slots, which jdb's `locals` needs (the default keeps only lines and source). */
function compileWithLocals(dir: string, sources: Record<string, string>): void {
  const src = mkdtempSync(join(tmpdir(), "faasbox-jdb-src-"));
  const files = Object.entries(sources).map(([path, text]) => {
    mkdirSync(join(src, path, ".."), { recursive: true });
    writeFileSync(join(src, path), text);
    return join(src, path);
  });
  execFileSync("javac", ["-g", "--release", "8", "-nowarn", "-cp", JAVA_API_JAR, "-d", dir, ...files], { stdio: "pipe" });
}

describe("Java debugging with jdb (docker executor)", () => {
  let emulator: Engine;
  let project: string;

  before(async () => {
    await requireDocker();
    project = javaProjectDir(MANIFEST);
    compileWithLocals(join(project, "code"), { "example/Hello.java": HELLO, "example/ScfHello.java": SCF_HELLO });
    openForReading(project);
    emulator = await Engine.create({ root: project, watch: false, executor: "docker" });
    assert.deepEqual(emulator.problems.map((p) => p.message), []);
  });
  after(async () => {
    await emulator?.shutdown();
    removeDir(project);
  });

  test("jdb attaches to the reported port, stops at a handler line, reads a local, and the invocation's result arrives after cont (timeout suspended meanwhile)", async () => {
    const session = await emulator.debugSessions.start(emulator.getFunction("hello-java"), "test");
    assert.equal(session.protocol, "java");
    assert.equal(session.host, "127.0.0.1");
    const jdb = JdbSession.attach(session.host, session.port);
    try {
      // suspend=y: the JVM has run nothing yet; the breakpoint is deferred until the class loads.
      await jdb.until(/VM Started/, "the suspended VM");
      jdb.send(`stop at example.Hello:${RETURN_LINE}`);
      await jdb.until(/Deferring breakpoint example\.Hello:8|Set breakpoint example\.Hello:8/, "the breakpoint set");
      jdb.send("cont");
      const invoked = emulator.invoke("hello-java", { name: "Ada" });
      const hit = await jdb.until(/Breakpoint hit: .*example\.Hello\.handleRequest\(\), line=8/, "the breakpoint hit");
      assert.match(hit, /Breakpoint hit/);
      // Longer than the function's 1 s timeout: a person at a breakpoint does not time it out.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      jdb.send("locals");
      const locals = await jdb.until(/greeting = "Hello Ada"/, "the local variable greeting");
      assert.match(locals, /Local variables:/);
      jdb.send("print greeting");
      await jdb.until(/greeting = "Hello Ada"/, "print greeting");
      jdb.send("cont");
      const result = await invoked;
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.equal(result.result, "Hello Ada!");

      // The debug instance serves the next invocation too, and stops there again.
      const again = emulator.invoke("hello-java", { name: "Grace" });
      await jdb.until(/Breakpoint hit: .*line=8/, "the breakpoint hit again");
      jdb.send("cont");
      assert.equal((await again).result, "Hello Grace!");
    } finally {
      await jdb.close();
      await emulator.debugSessions.stop(session.sessionId);
    }
    const after = await emulator.invoke("hello-java", { name: "pool" });
    assert.equal(after.result, "Hello pool!", "after the session, invocations run on the pool again");
  });

  test("an SCF Java function stops at its breakpoint too, with its own handler signature", async () => {
    const session = await emulator.debugSessions.start(emulator.getFunction("hello-scf-java"), "test");
    assert.equal(session.protocol, "java");
    const jdb = JdbSession.attach(session.host, session.port);
    try {
      await jdb.until(/VM Started/, "the suspended VM");
      jdb.send("stop at example.ScfHello:6");
      await jdb.until(/breakpoint example\.ScfHello:6/, "the breakpoint set");
      jdb.send("cont");
      const invoked = emulator.invoke("hello-scf-java", { count: 21 });
      await jdb.until(/Breakpoint hit: .*example\.ScfHello\.mainHandler\(\), line=6/, "the breakpoint hit");
      jdb.send("print count");
      await jdb.until(/count = 42/, "print count");
      jdb.send("cont");
      const result = await invoked;
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.equal(result.result, "count 42");
    } finally {
      await jdb.close();
      await emulator.debugSessions.stop(session.sessionId);
    }
  });
});
