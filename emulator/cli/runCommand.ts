import { UsageError } from "./usageError";

/** One `faasbox` command: its arguments after the command's name in, the exit status out. */
export type Command = (argv: string[]) => Promise<number>;

/**
 * Runs a command, turning a usage error into its message and exit status 2. Each CLI bundle
 * (dist/cli-client.js, dist/cli-engine.js, dist/cli-deploy.js) has its own copy of UsageError, so each catches its own.
 */
export async function runCommand(command: Command, argv: string[]): Promise<number> {
  try {
    return await command(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}
