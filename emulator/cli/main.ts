import { FAASBOX_VERSION } from "../version";

// The entry of dist/cli.js, which `faasbox` runs: kept to a few lines so that Node compiles almost
// nothing before `--version` answers; every other command loads dist/cli-client.js (./cli).
const argv = process.argv.slice(2);
if (argv[0] === "-v" || argv[0] === "--version") {
  console.log(FAASBOX_VERSION);
} else {
  import("./cli")
    .then(({ runCli }) => runCli(argv))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        console.error(`faasbox: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      },
    );
}
