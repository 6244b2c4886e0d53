import { MANIFEST_USAGE } from "./args";

/** Apart from build.ts so that the help text does not load dockerode for every command. */
export const BUILD_USAGE = `faasbox build [FUNCTION...] [--project DIR] [--pip-find-links DIR] ${MANIFEST_USAGE}`;
