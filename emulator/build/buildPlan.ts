import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FunctionSpec } from "../project/spec";

/** Where the build folder is mounted in the build container. */
export const BUILD_MOUNT = "/build";
/** Where the host's npm is lent (read-only) to an image that has none. */
export const NPM_MOUNT = "/opt/faasbox-npm";
/** Where `--pip-find-links DIR` is mounted (read-only). */
export const FIND_LINKS_MOUNT = "/opt/faasbox-wheels";

/** What `faasbox build` does for one function. */
export interface BuildPlan {
  /** "npm" and "pip" install dependencies in the runtime image; "copy" only copies the code. */
  kind: "npm" | "pip" | "copy";
  /** The install command as the user would type it, for progress lines and errors. */
  command: string;
  /** The shell script run in the build container (sh -c), in BUILD_MOUNT. */
  script?: string;
  /** Left out of the copy because the install makes it afresh. */
  skipTopLevel: string[];
}

/**
 * The install step `sam build` runs for each runtime, without a bundler:
 * - Node.js: `npm ci` when a package-lock.json or npm-shrinkwrap.json is there, else
 *   `npm install`, production dependencies only, in a clean copy of the code
 *   (https://github.com/aws/aws-lambda-builders/blob/develop/aws_lambda_builders/workflows/nodejs_npm/DESIGN.md);
 *   here `--omit=dev`, npm 7+'s spelling of `--production`
 *   (https://docs.npmjs.com/cli/v10/commands/npm-ci#omit). The copied node_modules is left
 *   out: it holds dev dependencies and the host's native builds.
 * - Python: `pip install -r requirements.txt -t ARTIFACTS` beside a copy of the code
 *   (https://github.com/aws/aws-lambda-builders/blob/develop/aws_lambda_builders/workflows/python_pip/DESIGN.md).
 * Both run in the function's runtime image so that native modules match it, as
 * `sam build --use-container` does (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/using-sam-cli-build.html).
 * npm's lifecycle scripts are not disabled, as sam does not disable them: the build runs the
 * project's own code, in a container, as the user.
 */
export function planBuild(spec: Pick<FunctionSpec, "family" | "codeDir">, options: { findLinks?: boolean } = {}): BuildPlan {
  if (spec.family === "nodejs" && existsSync(join(spec.codeDir, "package.json"))) {
    const locked = ["package-lock.json", "npm-shrinkwrap.json"].some((name) => existsSync(join(spec.codeDir, name)));
    const args = `${locked ? "ci" : "install"} --omit=dev --no-audit --no-fund`;
    // The image's own npm when it has one (it matches its node); else the host's, lent read-only.
    const script = `if command -v npm >/dev/null 2>&1; then exec npm ${args}; else exec node ${NPM_MOUNT}/bin/npm-cli.js ${args}; fi`;
    return { kind: "npm", command: `npm ${locked ? "ci" : "install"} --omit=dev`, script, skipTopLevel: ["node_modules"] };
  }
  if (spec.family === "python" && existsSync(join(spec.codeDir, "requirements.txt"))) {
    const findLinks = options.findLinks ? ` --find-links ${FIND_LINKS_MOUNT}` : "";
    const args = `install -r requirements.txt --target .${findLinks} --disable-pip-version-check --no-input`;
    const script =
      `if python3 -m pip --version >/dev/null 2>&1; then exec python3 -m pip ${args}; ` +
      `else echo "this image has no pip (python3 -m pip): use an image with pip for the python runtime, such as python:3.12-slim-bookworm, or run npm run setup to rebuild the local image" >&2; exit 127; fi`;
    return { kind: "pip", command: `pip install -r requirements.txt --target .${options.findLinks ? " --find-links DIR" : ""}`, script, skipTopLevel: [] };
  }
  return { kind: "copy", command: "copy only (no package.json or requirements.txt)", skipTopLevel: [] };
}
