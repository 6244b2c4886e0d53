// The one definition of every message between a client (the extension, the CLI, a
// webview through the extension) and the daemon. It imports nothing of the code that
// speaks it: the implementation maps its own types to these at the edge.
export * from "./model";
export * from "./invocation";
export * from "./observability";
export * from "./methods";
export { ErrorCodes, protocolError, type ErrorCode } from "./errors";
export { Params } from "./params";
