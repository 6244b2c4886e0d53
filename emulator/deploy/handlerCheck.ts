import type { FunctionSpec } from "../project/spec";
import { isJavaRuntimeName } from "./javaArtifact";

/**
 * Files one of which must be in the zip for the cloud to find the handler: "index.main" →
 * index.js/.mjs/.cjs (Node.js) or index.py; "pkg.mod.fn" → pkg/mod.py or pkg/mod/__init__.py.
 * Empty when there is nothing to check (a custom runtime's handler means what its bootstrap says).
 */
export function handlerFiles(spec: Pick<FunctionSpec, "family" | "handler" | "runtime">, files: readonly string[] = []): string[] {
  if (isJavaRuntimeName(spec.runtime)) return javaHandlerFiles(spec.handler, files);
  if (spec.family === "custom") return ["bootstrap", "scf_bootstrap"];
  // A Java handler's class may be in any jar of the package.
  if (spec.family === "java") return [];
  const dot = spec.handler.lastIndexOf(".");
  if (dot <= 0) return [];
  const module = spec.handler.slice(0, dot);
  if (spec.family === "nodejs") return [".js", ".mjs", ".cjs"].map((ext) => `${module}${ext}`);
  const path = module.split(".").join("/");
  return [`${path}.py`, `${path}/__init__.py`];
}

/**
 * "example.Hello::run" → example/Hello.class at the package's root, where both clouds look for
 * classes (https://docs.aws.amazon.com/lambda/latest/dg/java-package.html). Nothing to check when the
 * package has jars in it (lib/*.jar): the class may be in one of them.
 */
function javaHandlerFiles(handler: string, files: readonly string[]): string[] {
  if (files.some((file) => file.endsWith(".jar"))) return [];
  const className = handler.split("::")[0].trim();
  return className ? [`${className.split(".").join("/")}.class`] : [];
}

/** A warning when the zip lacks the handler's file, most often left out by an ignore file. */
export function missingHandlerWarning(spec: Pick<FunctionSpec, "family" | "handler" | "runtime">, files: readonly string[]): string | undefined {
  const candidates = handlerFiles(spec, files);
  if (candidates.length === 0 || candidates.some((file) => files.includes(file))) return undefined;
  const what = spec.family === "custom" ? "the custom runtime's bootstrap" : `the handler ${spec.handler}`;
  return `the zip has no ${candidates.join(" or ")}, so the cloud will not find ${what}; check .gitignore and .faasboxignore`;
}
