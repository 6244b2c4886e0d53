// One esbuild script for every bundle: the extension (vscode external) and the CLI,
// which is also the emulator daemon (dist/emulator.js). `--watch` rebuilds on change, `--production` minifies,
// `--tests` also bundles the suite that runs inside the VS Code extension host.
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const args = new Set(process.argv.slice(2));
const production = args.has("--production");

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  // ws loads bufferutil and utf-8-validate only if they are installed (they are optional).
  external: ["vscode", "bufferutil", "utf-8-validate"],
  // ssh2 (DOCKER_HOST=ssh://) has native parts and would be missing from the .vsix: a stand-in says so.
  alias: { ssh2: "./scripts/stubs/ssh2.js" },
};

/**
 * The CLI is three bundles, so a command compiles only the code it runs (Node compiles a whole file
 * on load: the 7 MB of the engine's SDKs took a quarter of a second before `--version` answered):
 * dist/cli.js answers `--version` and loads dist/cli-client.js (the dispatcher, `status`, `logs`, an
 * `invoke` through a running emulator…), which loads dist/cli-engine.js for the commands that run
 * the engine, Docker or the cloud SDKs in this process. Each boundary is a dynamic `import()` in the
 * sources (they run unbundled under tsx too); here it becomes a `require` of the sibling bundle.
 */
const CLI_BUNDLES = { "./cli": "./cli-client.js", "./engineCommands": "./cli-engine.js" };
const cliBundleBoundaries = {
  name: "cli-bundle-boundaries",
  setup(build) {
    build.onResolve({ filter: /^\.\/(cli|engineCommands)$/ }, (args) => {
      if (args.kind === "entry-point" || !args.resolveDir.endsWith(join("emulator", "cli"))) return undefined;
      return { path: CLI_BUNDLES[args.path], external: true };
    });
  },
};
// `import()` of a sibling bundle as a `require`: Node's ESM loader would add its own start-up to every command.
const cli = { ...common, outdir: "dist", plugins: [cliBundleBoundaries], supported: { "dynamic-import": false } };

const builds = [
  { ...common, entryPoints: { extension: "extension/extension.ts" }, outdir: "dist" },
  { ...cli, entryPoints: { cli: "emulator/cli/main.ts" }, banner: { js: "#!/usr/bin/env node" } },
  { ...cli, entryPoints: { "cli-client": "emulator/cli/cli.ts" } },
  { ...cli, entryPoints: { "cli-engine": "emulator/cli/engineCommands.ts" } },
];
if (args.has("--tests")) {
  // Each suite file stays its own module: mocha loads them after defining describe/it.
  const suites = readdirSync("test/vscode/suite").filter((f) => f.endsWith(".ts")).map((f) => `test/vscode/suite/${f}`);
  builds.push({ ...common, external: [...common.external, "mocha"], entryPoints: suites, outdir: "out/test/vscode" });
}

/**
 * dist/emulator.js, the daemon the extension spawns, is the CLI's `start`: a two-line
 * entry instead of a second copy of the whole bundle (the SDKs make it large).
 */
function writeEmulatorEntry() {
  writeFileSync("dist/emulator.js", '#!/usr/bin/env node\n"use strict";\n// `faasbox start …`: the emulator daemon, as the extension runs it.\nprocess.argv.splice(2, 0, "start");\nrequire("./cli.js");\n');
}

function copyShims() {
  // The runtime shims run inside containers as plain JS and Python files, mounted read-only.
  rmSync("dist/shims", { recursive: true, force: true });
  mkdirSync("dist", { recursive: true });
  // The Java shim runs as the jars scripts/build-java-shim.sh compiled into emulator/shims/java/build, not as its sources.
  const javaSources = ["api", "runtime", "json"].map((dir) => `emulator/shims/java/${dir}`);
  cpSync("emulator/shims", "dist/shims", { recursive: true, filter: (source) => !javaSources.includes(source) && !source.endsWith(".built") });
}

// The in-container agent: static binaries, rebuilt only when its C sources changed.
execFileSync("bash", ["scripts/build-agent.sh"], { stdio: "inherit" });
// The Java runtime shim: jars compiled with the JDK's javac, rebuilt only when its sources changed.
execFileSync("bash", ["scripts/build-java-shim.sh"], { stdio: "inherit" });

if (args.has("--watch")) {
  copyShims();
  writeEmulatorEntry();
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log("watching for changes");
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyShims();
  writeEmulatorEntry();
}
