// The named import keeps only the version in a bundle, not the whole manifest.
import { version } from "../package.json";

/** The version users see in `faasbox --version`, the status file and the protocol. */
export const FAASBOX_VERSION: string = version;
