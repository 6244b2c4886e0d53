import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JAVA_DEBUGGER_EXTENSION, javaAttachConfiguration, javaSourcePaths, missingJavaDebuggerMessage } from "../../extension/debug/javaAttach";
import type { DebugSessionInfo } from "../../emulator/protocol";

const info = (localRoot: string): DebugSessionInfo => ({ sessionId: "s1", function: "hello", protocol: "java", host: "127.0.0.1", port: 45123, remoteRoot: "/var/task", localRoot });

test("a Java debug session hands VS Code a `java` attach to the JDWP port the emulator reported", () => {
  const config = javaAttachConfiguration("Faasbox: Debug hello", info("/ws/hello"), ["/ws/hello/src/main/java"]);
  assert.equal(config.type, "java");
  assert.equal(config.request, "attach");
  assert.equal(config.hostName, "127.0.0.1");
  assert.equal(config.port, 45123);
  assert.deepEqual(config.sourcePaths, ["/ws/hello/src/main/java"]);
});

test("the source paths are the existing source roots of the code folder and of the manifest's folder", () => {
  const ws = mkdtempSync(join(tmpdir(), "faasbox-java-src-"));
  mkdirSync(join(ws, "app", "src", "main", "java", "example"), { recursive: true });
  mkdirSync(join(ws, "cache", "jar"), { recursive: true });
  // A function run from a jar unpacked in the cache: the sources are beside its template.
  const paths = javaSourcePaths(info(join(ws, "cache", "jar")), { source: { file: join(ws, "app", "template.yaml"), line: 4 } as never });
  assert.deepEqual(paths, [join(ws, "cache", "jar"), join(ws, "app", "src", "main", "java"), join(ws, "app", "src"), join(ws, "app")]);
});

test("without the Debugger for Java the message names the extension and what still works", () => {
  const message = missingJavaDebuggerMessage("hello");
  assert.match(message, /hello/);
  assert.match(message, /Debugger for Java/);
  assert.match(message, new RegExp(JAVA_DEBUGGER_EXTENSION.replace(/\./g, "\\.")));
  assert.match(message, /JDWP client \(jdb/);
});
