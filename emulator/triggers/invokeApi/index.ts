// The Lambda-compatible Invoke API: the server and what it needs from the emulator.
export { InvokeApiServer, type InvokeApiServerOptions } from "./invokeApiServer";
export { emulatorTarget, type InvokeApiTarget } from "./invokeApiTarget";
