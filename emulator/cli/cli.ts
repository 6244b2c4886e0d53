import { FAASBOX_VERSION } from "../version";
import { runCommand, type Command } from "./runCommand";

// The entry of dist/cli-client.js: the dispatcher and the commands that talk to a running emulator
// or need nothing but their arguments. Every command's module is loaded when it runs, and the
// commands that run the engine in this process live in dist/cli-engine.js, loaded only for them:
// its SDKs and Docker client would add a quarter of a second to every `status`.
const inEngine = (name: string): Command => async (argv) => (await import("./engineCommands")).runEngineCommand(name, argv);

const COMMANDS: Record<string, Command> = {
  doctor: inEngine("doctor"),
  start: inEngine("start"),
  invoke: async (argv) => (await import("./invoke")).invokeCommand(argv),
  status: async (argv) => (await import("./status")).statusCommand(argv),
  logs: async (argv) => (await import("./logs")).logsCommand(argv),
  event: async (argv) => (await import("./event")).eventCommand(argv),
  publish: async (argv) => (await import("./triggers")).publishCommand(argv),
  triggers: async (argv) => (await import("./triggersList")).triggersCommand(argv),
  timers: async (argv) => (await import("./triggers")).timersCommand(argv),
  dlq: async (argv) => (await import("./triggers")).dlqCommand(argv),
  build: inEngine("build"),
  package: inEngine("package"),
  deploy: inEngine("deploy"),
};

export async function runCli(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    process.stdout.write((await import("./help")).HELP);
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version") {
    console.log(FAASBOX_VERSION);
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    console.error(`faasbox: unknown command '${first}'. Commands: ${Object.keys(COMMANDS).join(", ")}. See 'faasbox --help'.`);
    return 2;
  }
  return runCommand(command, rest);
}
