import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const CLI = join(REPO_ROOT, "dist", "cli.js");
/** The CLI's bundles in dist/: cli.js loads cli-client.js, which loads cli-engine.js, which loads cli-deploy.js for package and deploy (scripts/build.mjs). A copy of the CLI needs all four. */
export const CLI_BUNDLES = ["cli.js", "cli-client.js", "cli-engine.js", "cli-deploy.js"];
export const EXAMPLES = join(REPO_ROOT, "examples");
/** Screenshots and other artifacts a person looks at after a run. */
export const ARTIFACTS = join(REPO_ROOT, "test-results");
