import { runCli } from "./cli";

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`faasbox: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
