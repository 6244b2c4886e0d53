import { MANIFEST_USAGE } from "./args";

/** Apart from start.ts so that the help text does not load the engine. */
export const START_USAGE = `faasbox start [DIR] [--http-port N] [--invoke-port N] [--port N | --control-socket PATH] [--executor docker|process|auto] [--keep-alive SECONDS] [--max-concurrency N] [--no-watch] [--host ADDRESS] [--allowed-host NAME]... [--profile AWS_PROFILE] [--no-credentials] ${MANIFEST_USAGE}`;
