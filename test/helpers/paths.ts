import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const CLI = join(REPO_ROOT, "dist", "cli.js");
export const EXAMPLES = join(REPO_ROOT, "examples");
/** Screenshots and other artifacts a person looks at after a run. */
export const ARTIFACTS = join(REPO_ROOT, "test-results");
