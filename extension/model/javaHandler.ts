import { dirname, join } from "node:path";
import type { FunctionInfo } from "../../emulator/protocol";

/** Whether a runtime name is a Java one: Lambda's java8, java8.al2, java11, java17, java21; SCF's Java8, Java11. */
export function isJavaRuntime(runtime: string): boolean {
  return /^java\d/i.test(runtime);
}

export interface JavaHandler {
  /** The class as the handler names it, e.g. `example.Hello` (a nested class keeps its `$`). */
  className: string;
  /** The method; `handleRequest` when the handler names a class only (a RequestHandler or RequestStreamHandler). */
  method: string;
}

/**
 * Lambda's Java handler is `package.Class::method`, or `package.Class` for a class implementing
 * RequestHandler / RequestStreamHandler, whose method is then handleRequest
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html); SCF's is `package.Class::method`
 * (https://cloud.tencent.com/document/product/583/12214).
 */
export function parseJavaHandler(handler: string): JavaHandler {
  const [className, method] = handler.split("::", 2);
  return { className: className.trim(), method: method?.trim() || "handleRequest" };
}

/**
 * Where the source of a Java handler's class can be: the class path (its top-level class, before
 * any `$`) under the usual source roots (Maven and Gradle's src/main/java, src, the folder itself) of
 * the code folder and of the manifest's folder; the latter serves a function whose code is a built
 * jar (SAM `CodeUri: target/app.jar`) next to its project.
 */
export function javaSourceCandidates(fn: Pick<FunctionInfo, "handler" | "codeDir" | "source">): string[] {
  const { className } = parseJavaHandler(fn.handler);
  const relative = `${className.split("$")[0].split(".").join("/")}.java`;
  const roots = [...new Set([fn.codeDir, dirname(fn.source.file)])];
  return roots.flatMap((root) => ["src/main/java", "src", ""].map((sub) => join(root, sub, relative)));
}

/** Whether `path` is the source of the function's handler class. */
export function isJavaHandlerSource(fn: Pick<FunctionInfo, "handler" | "codeDir" | "source" | "runtime">, path: string): boolean {
  return isJavaRuntime(fn.runtime) && javaSourceCandidates(fn).includes(path);
}

/**
 * The 0-based line declaring `method` in Java source `lines` (a method declaration: modifiers, a
 * return type, the name and an opening parenthesis), or undefined when none does.
 */
export function javaMethodLine(lines: readonly string[], method: string): number | undefined {
  const name = method.replace(/[$]/g, "\\$");
  const declaration = new RegExp(`^\\s*(?:@\\w+(?:\\([^)]*\\))?\\s+)*(?:(?:public|protected|private|static|final|synchronized|abstract|default)\\s+)*(?:<[^>]+>\\s+)?[\\w.$]+(?:<.*>)?(?:\\[\\])*\\s+${name}\\s*\\(`);
  const index = lines.findIndex((line) => declaration.test(line));
  return index >= 0 ? index : undefined;
}
