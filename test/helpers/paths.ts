import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const CLI = join(REPO_ROOT, "dist", "cli.js");
/**
 * The CLI's bundles in dist/: cli.js loads cli-client.js, which loads cli-engine.js, which loads
 * cli-deploy.js for package and deploy, cli-database.js for database triggers, and the packages it
 * uses on first use only, cli-aws-credentials.js and cli-docker-session.js (scripts/build.mjs). A
 * copy of the CLI needs them all.
 */
export const CLI_BUNDLES = ["cli.js", "cli-client.js", "cli-engine.js", "cli-deploy.js", "cli-database.js", "cli-aws-credentials.js", "cli-docker-session.js"];
export const EXAMPLES = join(REPO_ROOT, "examples");
/** Screenshots and other artifacts a person looks at after a run. */
export const ARTIFACTS = join(REPO_ROOT, "test-results");
