import { runCli } from "./cli";

// The daemon entry the extension spawns (dist/emulator.js): the CLI's `start` command,
// so the editor and the terminal run the very same emulator.
runCli(["start", ...process.argv.slice(2)]).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`faasbox: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
