import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FunctionError } from "../../protocol";
import { normalizedName, readRequirements } from "../../project/requirementsFile";
import type { FunctionSpec } from "../../project/spec";

/**
 * The emulator's own line after a runtime failed to load a package: what to run so that it
 * is there. Said by Faasbox beside the function's error, never inside it (the error body is
 * the cloud's). Undefined when the error is not about a missing package.
 */
export function missingModuleHint(spec: FunctionSpec, error: FunctionError): string | undefined {
  const name = missingPackageName(spec.family, `${error.errorMessage}`);
  // The handler's own module missing is checkFunction's and the shim's to explain, not a package.
  if (!name || name === spec.handler.split(/[./]/)[0]) return undefined;
  const sourceDir = spec.build?.sourceDir ?? spec.codeDir;
  const manifestName = spec.family === "nodejs" ? "package.json" : "requirements.txt";
  const listed = spec.family === "nodejs" ? listedInPackageJson(sourceDir, name) : listedInRequirements(sourceDir, name);
  if (listed) {
    return `faasbox: ${name} is listed in ${manifestName} but not installed where ${spec.name} runs: run faasbox build ${spec.name} (or ${installCommand(spec, sourceDir)})`;
  }
  const add = spec.family === "nodejs" ? `npm install ${name}` : `add ${name} to requirements.txt`;
  return `faasbox: ${name} is not installed where ${spec.name} runs, and not listed in ${sourceDir}/${manifestName}: ${add} there, then run faasbox build ${spec.name}`;
}

/** The package a "cannot find" error names: Node's CommonJS and ESM messages, Python's ModuleNotFoundError. */
export function missingPackageName(family: FunctionSpec["family"], message: string): string | undefined {
  if (family === "nodejs") {
    // The shim's own "Cannot find module 'index' (looked for ...)" is about the handler file.
    if (message.includes("(looked for ")) return undefined;
    const specifier = /Cannot find (?:module|package) '([^']+)'/.exec(message)?.[1];
    // A relative or absolute path is the function's own file, not a package.
    if (!specifier || specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  }
  if (family === "python") return /No module named '([^'.]+)/.exec(message)?.[1];
  return undefined;
}

function installCommand(spec: FunctionSpec, sourceDir: string): string {
  return spec.family === "nodejs" ? `npm install --omit=dev in ${sourceDir}` : `pip install -r requirements.txt --target ${sourceDir}`;
}

function listedInPackageJson(sourceDir: string, name: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(sourceDir, "package.json"), "utf8")) as { dependencies?: Record<string, unknown> };
    return Object.hasOwn(manifest.dependencies ?? {}, name);
  } catch {
    return false;
  }
}

/** Python's import name is often the distribution's (requests, boto3); PyYAML's yaml is not, and is then "not listed". */
function listedInRequirements(sourceDir: string, name: string): boolean {
  const { requirements } = readRequirements(join(sourceDir, "requirements.txt"));
  return requirements.some((requirement) => normalizedName(requirement.name) === normalizedName(name));
}
