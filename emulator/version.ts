import packageJson from "../package.json";

/** The version users see in `faasbox --version`, the status file and the protocol. */
export const FAASBOX_VERSION: string = packageJson.version;
