import { FAASBOX_VERSION } from "./version";
import { doctorCommand } from "./cli/doctor";

const HELP = `faasbox ${FAASBOX_VERSION}: run SCF and Lambda functions locally in warm Docker containers

Usage: faasbox COMMAND [options]

Commands:
  doctor              check Node.js, the Docker engine and the runtime images, and say what to fix

Options:
  -h, --help          show this help
  -v, --version       print the version
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  doctor: () => doctorCommand(),
};

export async function runCli(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    process.stdout.write(HELP);
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
  return command(rest);
}

