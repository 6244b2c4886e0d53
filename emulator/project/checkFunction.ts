import { statSync } from "node:fs";
import { join } from "node:path";
import { ManifestError, type FieldRef } from "./errors";
import type { ManifestFunction, TrackedField } from "./manifestFunction";
import type { FunctionSpec } from "./spec";
import { describeValue } from "./yamlSource";

/** Lambda's limits; SCF's fit inside them. */
const MEMORY_MB = { min: 64, max: 10240 };
const TIMEOUT_SEC = { min: 1, max: 900 };

/**
 * What would make a function fail on its first invoke, found at load time instead and
 * reported at the line that causes it: no code folder, no handler file, limits the cloud
 * would refuse.
 */
export function checkFunction(fn: ManifestFunction): ManifestError[] {
  const { spec } = fn;
  const at = (field: TrackedField): FieldRef => fn.at[field] ?? fn.at.definition;
  const problems: ManifestError[] = [];

  const folder = kindOf(spec.codeDir);
  // A zip package not unpacked yet: its handler is found (or not, as an init error) at the first launch.
  if (spec.codeArchive && folder === "missing") {
    // nothing to check before the package is unpacked
  } else if (folder !== "folder") {
    problems.push(
      ManifestError.at(
        at("codeDir"),
        folder === "missing"
          ? `code folder ${spec.codeDir} does not exist; expected the folder holding the function's code`
          : `${spec.codeDir} is not a folder; expected the folder holding the function's code (zip files are not read)`,
      ),
    );
  } else {
    const handlerProblem = checkHandler(spec);
    if (handlerProblem) problems.push(ManifestError.at(at(spec.family === "custom" ? "codeDir" : "handler"), handlerProblem));
  }

  // "目前 Web 函数只支持绑定 API 网关触发器和函数 URL" (https://cloud.tencent.com/document/product/583/56124, 使用限制).
  const notHttp = spec.web ? spec.triggers.filter((trigger) => trigger.kind !== "http") : [];
  if (notHttp.length) {
    problems.push(ManifestError.at(fn.at.definition, `a web function takes API gateway triggers only, as in SCF; got ${notHttp.map((t) => `${t.kind} ${"name" in t ? t.name : ""}`.trim()).join(", ")}: remove it, or make the function an event function`));
  }
  if (!inRange(spec.memoryMb, MEMORY_MB)) {
    problems.push(ManifestError.at(at("memoryMb"), `got ${spec.memoryMb}; expected a whole number of MB from ${MEMORY_MB.min} to ${MEMORY_MB.max}`));
  }
  const timeout = { min: TIMEOUT_SEC.min, max: fn.maxTimeoutSec ?? TIMEOUT_SEC.max };
  if (!inRange(spec.timeoutSec, timeout)) {
    problems.push(ManifestError.at(at("timeoutSec"), `got ${spec.timeoutSec}; expected a whole number of seconds from ${timeout.min} to ${timeout.max}`));
  }
  if (spec.minWarm > spec.maxConcurrency) {
    problems.push(ManifestError.at(at("minWarm"), `got ${spec.minWarm}, more than maxConcurrency ${spec.maxConcurrency}; expected at most ${spec.maxConcurrency}`));
  }
  return problems;
}

function inRange(value: number, range: { min: number; max: number }): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** The problem with the handler, or undefined when the file it names is there. */
function checkHandler(spec: FunctionSpec): string | undefined {
  // An image function's image holds its runtime and code (samImage.ts checked its Dockerfile).
  if (spec.container) return undefined;
  // A web function has no handler; its scf_bootstrap is checked at launch, as SCF reports it (an init error: webBootstrap.ts).
  if (spec.web) return undefined;
  if (spec.family === "custom") {
    if (kindOf(join(spec.codeDir, "bootstrap")) === "file") return undefined;
    return `custom runtime without a bootstrap; expected an executable file named bootstrap in ${spec.codeDir}`;
  }
  if (spec.family === "java") return checkJavaHandler(spec.handler);
  // Node splits at the first dot after the last slash, like Lambda's runtime
  // (`lib/app.handlers.get` is export handlers.get of lib/app.js); Python at the last dot.
  const dot = spec.family === "nodejs" ? spec.handler.indexOf(".", spec.handler.lastIndexOf("/") + 1) : spec.handler.lastIndexOf(".");
  if (dot <= 0 || dot === spec.handler.length - 1) {
    const example = spec.family === "nodejs" ? "FILE.EXPORT such as index.handler" : "MODULE.FUNCTION such as app.handler";
    return `got ${describeValue(spec.handler)}; expected ${example}`;
  }
  const module = spec.handler.slice(0, dot);
  // Node resolves `src/index.handler` to src/index.js (or .mjs/.cjs); Python resolves
  // `pkg.mod.handler` to pkg/mod.py or the package pkg/mod/__init__.py.
  const candidates =
    spec.family === "nodejs"
      ? [".js", ".mjs", ".cjs"].map((ext) => `${module}${ext}`)
      : [`${module.replace(/\./g, "/")}.py`, `${module.replace(/\./g, "/")}/__init__.py`];
  if (candidates.some((file) => kindOf(join(spec.codeDir, file)) === "file")) return undefined;
  return `handler file not found; expected ${candidates.join(" or ")} in ${spec.codeDir}`;
}

/**
 * `package.Class::method` (both clouds) or `package.Class` (Lambda, for a RequestHandler or
 * RequestStreamHandler): https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html,
 * https://tencentcloud.com/zh/document/product/583/12214. Whether the class is there the runtime
 * says at start (an init error): it may be in any jar of the package.
 */
function checkJavaHandler(handler: string): string | undefined {
  if (/^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*(::[\p{L}_$][\p{L}\p{N}_$]*)?$/u.test(handler)) return undefined;
  return `got ${describeValue(handler)}; expected package.Class::method such as example.Hello::handleRequest, or package.Class for a RequestHandler`;
}

function kindOf(path: string): "file" | "folder" | "other" | "missing" {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? "folder" : stat.isFile() ? "file" : "other";
  } catch {
    return "missing";
  }
}
