import * as nodeModule from "node:module";
import { FAASBOX_VERSION } from "../version";

// The entry of dist/cli.js, which `faasbox` runs: kept to a few lines so that Node compiles almost
// nothing before `--version` answers; every other command loads dist/cli-client.js (./cli).
const argv = process.argv.slice(2);
if (argv[0] === "-v" || argv[0] === "--version") {
  console.log(FAASBOX_VERSION);
} else {
  // Node 22.1+ keeps V8's compiled code of the bundles on disk, so later runs skip most of the compile;
  // it never throws, and Node 20 has no such function (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir).
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
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
