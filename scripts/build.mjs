// One esbuild script for every bundle: the extension (vscode external) and the CLI,
// which is also the emulator daemon (dist/emulator.js). `--watch` rebuilds on change, `--production` minifies,
// `--tests` also bundles the suite that runs inside the VS Code extension host.
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";

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

const builds = [
  { ...common, entryPoints: { extension: "extension/extension.ts" }, outdir: "dist" },
  { ...common, entryPoints: { cli: "emulator/cli/main.ts" }, outdir: "dist", banner: { js: "#!/usr/bin/env node" } },
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
