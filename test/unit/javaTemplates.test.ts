import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { functionTemplate, triggersFor } from "../../extension/templates/functionTemplates";

/** javac and jar come from the JDK setup installs (openjdk-17-jdk-headless); without them this test cannot say anything. */
function requireJdk(): void {
  const found = spawnSync("javac", ["-version"], { encoding: "utf8" });
  if (found.status !== 0) throw new Error("javac is not on PATH: run `bash scripts/setup.sh` (it installs openjdk-17-jdk-headless) to test the Java templates");
}

/**
 * Calls the handler method the manifest names with a Map event, through a small class compiled
 * beside it (no shim, no JSON): what comes back is what the handler returned.
 */
const CALLER = `import java.lang.reflect.Method;
import java.util.*;
public class CallHandler {
    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName(args[0]);
        Method method = type.getMethod(args[1], Map.class);
        Map<String, Object> event = new HashMap<>();
        for (int i = 2; i + 1 < args.length; i += 2) event.put(args[i], args[i + 1].startsWith("{") ? Collections.singletonMap("name", args[i + 1].substring(1, args[i + 1].length() - 1)) : args[i + 1]);
        System.out.println("RESULT " + new TreeMap<>((Map<?, ?>) method.invoke(type.getDeclaredConstructor().newInstance(), event)));
    }
}
`;

function write(folder: string, files: Record<string, string>, executable: string[]): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), content);
    if (executable.includes(file)) chmodSync(join(folder, file), 0o755);
  }
}

test("Java is offered with HTTP and timer triggers only, and asking it for another is an error naming those", () => {
  assert.deepEqual(triggersFor("java"), ["http", "timer"]);
  assert.throws(() => functionTemplate({ name: "x", language: "java", trigger: "topic", format: "sam" }), /no java template for a topic trigger; expected one of http, timer/);
});

test("each Java template builds with its build.sh (JDK only) into what its manifest points at, and its handler answers its trigger's event", () => {
  requireJdk();
  const root = mkdtempSync(join(tmpdir(), "faasbox-java-templates-"));
  const cases = [
    { format: "scf", trigger: "http", event: ["path", "/hello", "queryString", "{Ada}"], expect: /body=Hello, Ada!.*statusCode=200/ },
    { format: "scf", trigger: "timer", event: ["TriggerName", "t", "Time", "2026-01-01T00:00:00Z", "Message", "hi"], expect: /done=true/ },
    { format: "sam", trigger: "http", event: ["rawPath", "/hello", "queryStringParameters", "{Ada}"], expect: /message=Hello, Ada!/ },
    { format: "sam", trigger: "timer", event: ["time", "2026-01-01T00:00:00Z"], expect: /done=true/ },
  ] as const;
  for (const { format, trigger, event, expect } of cases) {
    const name = `java-${trigger}-${format}`;
    const folder = join(root, name);
    const { files, executable = [], handlerFile } = functionTemplate({ name, language: "java", trigger, format });
    write(folder, files, executable);
    assert.equal(handlerFile, "src/main/java/example/Hello.java");
    const built = spawnSync(join(folder, "build.sh"), { encoding: "utf8" });
    assert.equal(built.status, 0, `${name}: build.sh failed:\n${built.stdout}${built.stderr}`);
    assert.doesNotMatch(built.stderr, /warning/i, `${name}: javac warned:\n${built.stderr}`);
    const manifest = files[format === "scf" ? "serverless.yml" : "template.yaml"];
    const method = format === "scf" ? "mainHandler" : "handleRequest";
    assert.match(manifest, new RegExp(`handler: example\\.Hello::${method}`, "i"));
    // What the manifest names as the code is what build.sh made.
    const classpath = format === "scf" ? join(folder, "target", "classes") : join(folder, "target", `${name}.jar`);
    assert.match(manifest, format === "scf" ? /src: \.\/target\/classes/ : new RegExp(`CodeUri: target/${name}\\.jar`));
    assert.ok(existsSync(classpath), `${name}: ${classpath} was not built`);
    if (format === "sam") assert.match(execFileSync("jar", ["tf", classpath], { encoding: "utf8" }), /^example\/Hello\.class$/m, "the jar has the class at its root");
    // The class file targets the runtime's Java version (SCF Java8: major 52; Lambda java17: 61).
    const major = execFileSync("javap", ["-v", "-cp", classpath, "example.Hello"], { encoding: "utf8" }).match(/major version: (\d+)/)?.[1];
    assert.equal(major, format === "scf" ? "52" : "61", `${name}: class file version`);

    const caller = join(root, "caller");
    mkdirSync(caller, { recursive: true });
    writeFileSync(join(caller, "CallHandler.java"), CALLER);
    execFileSync("javac", ["-d", caller, join(caller, "CallHandler.java")]);
    const out = execFileSync("java", ["-cp", `${classpath}:${caller}`, "CallHandler", "example.Hello", method, ...event], { encoding: "utf8" });
    assert.match(out.split("\n").find((l) => l.startsWith("RESULT")) ?? out, expect, `${name}: ${out}`);
  }
});
