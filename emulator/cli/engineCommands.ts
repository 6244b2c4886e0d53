import { runCommand, type Command } from "./runCommand";

// The commands that run the engine, Docker or a cloud SDK in this process: the entry of dist/cli-engine.js,
// which the CLI loads only for them (these modules are most of its size). Each is loaded when used
// too, so `doctor` does not load the cloud SDKs, nor `start` the deploy code.
const ENGINE_COMMANDS: Record<string, Command> = {
  start: async (argv) => (await import("./start")).startCommand(argv),
  // `invoke` comes here only when no emulator runs for the project (see invoke.ts).
  invoke: async (argv) => (await import("./invokeLocally")).invokeLocallyCommand(argv),
  doctor: async (argv) => (await import("./doctor")).doctorCommand(argv),
  build: async (argv) => (await import("./build")).buildCommand(argv),
  package: async (argv) => (await import("./deployCommands")).runDeployCommand("package", argv),
  deploy: async (argv) => (await import("./deployCommands")).runDeployCommand("deploy", argv),
};

export function runEngineCommand(name: string, argv: string[]): Promise<number> {
  const command = ENGINE_COMMANDS[name];
  if (!command) throw new Error(`faasbox: '${name}' is not a command of the engine bundle`);
  return runCommand(command, argv);
}
