// One esbuild script for every bundle: the extension (vscode external) and the CLI,
// which is also the emulator daemon (dist/emulator.js). `--watch` rebuilds on change, `--production` minifies,
// `--tests` also bundles the suite that runs inside the VS Code extension host.
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
 * The CLI is four bundles, so a command compiles only the code it runs (Node compiles a whole file
 * on load: the 7 MB of the engine's SDKs took a quarter of a second before `--version` answered):
 * dist/cli.js answers `--version` and loads dist/cli-client.js (the dispatcher, `status`, `logs`, an
 * `invoke` through a running emulator…), which loads dist/cli-engine.js for the commands that run
 * the engine or Docker in this process, which loads dist/cli-deploy.js (the clouds' SDKs) for
 * `package` and `deploy`. Each boundary is a dynamic `import()` in the
 * sources (they run unbundled under tsx too); here it becomes a `require` of the sibling bundle.
 */
const CLI_BUNDLES = { "./cli": "./cli-client.js", "./engineCommands": "./cli-engine.js", "./deployCommands": "./cli-deploy.js" };
const cliBundleBoundaries = {
  name: "cli-bundle-boundaries",
  setup(build) {
    build.onResolve({ filter: /^\.\/(cli|engineCommands|deployCommands)$/ }, (args) => {
      if (args.kind === "entry-point" || !args.resolveDir.endsWith(join("emulator", "cli"))) return undefined;
      return { path: CLI_BUNDLES[args.path], external: true };
    });
    // The database sources and their drivers (emulator/triggers/database/databaseDrivers.ts): the
    // engine loads dist/cli-database.js with the first database trigger. A `require` names a path
    // relative to the requiring file, and every bundle lives in dist/.
    build.onResolve({ filter: /^\.\/databaseDrivers$/ }, (args) => {
      if (args.kind === "entry-point" || !args.resolveDir.endsWith(join("triggers", "database"))) return undefined;
      return { path: "./cli-database.js", external: true };
    });
  },
};
/**
 * The CLI bundles as ASCII only. esbuild escapes non-ASCII characters in code (its default charset)
 * but keeps them in the comments an unminified bundle carries (luxon's "7–8 novembre"), and one
 * such character makes V8 hold the whole source as a two-byte string: cli-engine.js's 7.6 MB took
 * 15.2 MB of an idle emulator's heap, 7.6 MB once ASCII. Each UTF-16 unit becomes "?", so lines
 * and columns (the source map) stay; that only comments changed is checked: the minified code of
 * the bundle before and after must be the same.
 */
const asciiComments = {
  name: "ascii-comments",
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length > 0) return;
      for (const file of Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".js"))) {
        const text = readFileSync(file, "utf8");
        const ascii = text.replace(/[^\x00-\x7f]/g, "?");
        if (ascii === text) continue;
        const [before, after] = await Promise.all([text, ascii].map((code) => esbuild.transform(code, { minify: true, charset: "ascii" })));
        if (before.code !== after.code) throw new Error(`${file}: a non-ASCII character outside a comment; the ascii-comments step would change code`);
        writeFileSync(file, ascii);
      }
    });
  },
};
/**
 * dockerode requires its BuildKit session helper (./session: gRPC and protobufjs, about a hundred
 * modules) when it loads, though only a `buildImage` with `version: "2"` calls it, which Faasbox
 * never asks for; a stand-in requires it on the first call instead, so an idle emulator does not
 * hold them (about 2.5 MB of heap and more of compiled code).
 */
const lazyDockerodeSession = {
  name: "lazy-dockerode-session",
  setup(build) {
    build.onResolve({ filter: /^\.\/session$/ }, (args) => {
      if (!/[\\/]dockerode[\\/]lib$/.test(args.resolveDir)) return undefined;
      return { path: "dockerode/lib/session", namespace: "lazy-dockerode-session" };
    });
    // The real module is a bundle of its own (LAZY_PACKAGES), beside the one that requires it.
    build.onLoad({ filter: /.*/, namespace: "lazy-dockerode-session" }, () => ({
      contents: 'module.exports = function withSession() { return require("./cli-docker-session.js").apply(this, arguments); };',
      loader: "js",
    }));
    build.onResolve({ filter: /^\.\/cli-docker-session\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};
/**
 * Packages the engine loads on first use (a dynamic `import()` in the sources, or the stand-in
 * above) are bundles of their own: in the engine's bundle their code, though never run by an idle
 * emulator, was part of the source V8 keeps in memory for as long as the emulator runs.
 */
const LAZY_PACKAGES = {
  // An AWS profile's credentials for the functions (functionCredentials.ts): Smithy and the SDK's provider chain.
  "cli-aws-credentials": "@aws-sdk/credential-provider-ini",
  // dockerode's BuildKit session (gRPC, protobufjs).
  "cli-docker-session": "dockerode/lib/session.js",
};
const lazyPackages = {
  name: "lazy-packages",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-ini$/ }, (args) =>
      args.kind === "dynamic-import" ? { path: "./cli-aws-credentials.js", external: true } : undefined);
  },
};
// `import()` of a sibling bundle as a `require`: Node's ESM loader would add its own start-up to every command.
const cli = { ...common, outdir: "dist", metafile: true, plugins: [cliBundleBoundaries, asciiComments, lazyDockerodeSession, lazyPackages], supported: { "dynamic-import": false } };

/**
 * The extension's deploy command takes the clouds' SDKs from dist/cli-deploy.js, which the .vsix
 * ships for the CLI: a second copy inside dist/extension.js made the package larger than 5 MB and
 * every activation compile 1.2 MB more.
 */
const extensionDeployBoundary = {
  name: "extension-deploy-boundary",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/\.\.\/emulator\/cli\/deployCommands$/ }, (args) => {
      if (!args.resolveDir.endsWith(join("extension", "deploy"))) return undefined;
      return { path: CLI_BUNDLES["./deployCommands"], external: true };
    });
  },
};

const builds = [
  { ...common, entryPoints: { extension: "extension/extension.ts" }, outdir: "dist", plugins: [extensionDeployBoundary], supported: { "dynamic-import": false } },
  { ...cli, entryPoints: { cli: "emulator/cli/main.ts" }, banner: { js: "#!/usr/bin/env node" } },
  { ...cli, entryPoints: { "cli-client": "emulator/cli/cli.ts" } },
  { ...cli, entryPoints: { "cli-engine": "emulator/cli/engineCommands.ts" } },
  // `package` and `deploy` with the clouds' SDKs: apart from the engine, whose source an emulator holds
  // in memory for as long as it runs (7.6 MB with them, 4.6 MB without).
  { ...cli, entryPoints: { "cli-deploy": "emulator/cli/deployCommands.ts" } },
  { ...cli, entryPoints: { "cli-database": "emulator/triggers/database/databaseDrivers.ts" } },
  ...Object.entries(LAZY_PACKAGES).map(([name, module]) => ({ ...cli, entryPoints: { [name]: module } })),
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
