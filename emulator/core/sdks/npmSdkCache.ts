import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BundledSdk } from "./bundledSdks";
import { mentionedPackages } from "./sdkImports";

/** One npm at a time per cache folder: two installs into one prefix would trip over each other. */
const installs = new Map<string, Promise<void>>();

/**
 * Makes sure the bundle's cache folder holds every package of it that the function mentions
 * (and the bundle's own `always` ones), as Lambda's runtime has every client: missing ones are
 * installed from npm at the bundle's version (or the newest release before it, for a package
 * not published at that release). A function's own copy (in its node_modules) is its own
 * business: not installed for it. A name npm does not know is reported and skipped: in the
 * cloud it is not there either. Unreachable npm fails with the command to run by hand.
 */
export async function ensureNpmSdk(sdk: BundledSdk, codeDir: string, say: (line: string) => void): Promise<void> {
  const npm = sdk.npm;
  if (!npm) return;
  const wanted = new Set([...npm.always, ...mentionedPackages(codeDir, npm.pattern)]);
  const missing = () => [...wanted].filter((name) => !has(sdk.hostDir, name) && !has(join(codeDir, "node_modules"), name));
  if (missing().length === 0) return;
  // Wait for an install already under way (it may bring these), then look again.
  while (installs.has(npm.prefix)) await installs.get(npm.prefix)!.catch(() => undefined);
  const names = missing();
  if (names.length === 0) return;
  const install = installEach(sdk, names, say).finally(() => installs.delete(npm.prefix));
  installs.set(npm.prefix, install);
  await install;
}

function has(nodeModules: string, name: string): boolean {
  return existsSync(join(nodeModules, name, "package.json"));
}

async function installEach(sdk: BundledSdk, names: string[], say: (line: string) => void): Promise<void> {
  const { prefix, version } = sdk.npm!;
  mkdirSync(prefix, { recursive: true });
  if (!existsSync(join(prefix, "package.json"))) writeFileSync(join(prefix, "package.json"), '{ "name": "faasbox-runtime-sdk", "private": true }\n');
  say(`installing ${names.join(", ")} of ${sdk.title} into ${prefix} (npm, once)`);
  const specs = names.map((name) => `${name}@<=${version}`);
  const failure = await runNpm(prefix, specs);
  if (failure === undefined) return done(sdk.hostDir, say, names);
  if (!/\bE404\b|ETARGET/.test(failure)) {
    throw new Error(
      `could not install ${names.join(", ")} (part of ${sdk.title}) from npm: ${lastLines(failure)}. ` +
        `Where the npm registry is reachable, run: npm install --prefix ${prefix} ${specs.map((s) => `'${s}'`).join(" ")}`,
    );
  }
  // A name npm does not have (a typo, a private package): the rest installed one by one.
  for (const [index, name] of names.entries()) {
    const one = await runNpm(prefix, [specs[index]]);
    if (one === undefined) continue;
    if (/\bE404\b|ETARGET/.test(one)) say(`${name} is not a package of ${sdk.title} on npm: the function will not find it, as in the cloud`);
    else throw new Error(`could not install ${name} (part of ${sdk.title}) from npm: ${lastLines(one)}. Where the npm registry is reachable, run: npm install --prefix ${prefix} '${specs[index]}'`);
  }
  done(sdk.hostDir, say, names);
}

/** Readable by the function's unprivileged user, whatever this process's umask. */
function done(nodeModules: string, say: (line: string) => void, names: string[]): void {
  makeReadable(nodeModules);
  say(`installed ${names.join(", ")}`);
}

/** npm's error output, or undefined when it succeeded. */
function runNpm(prefix: string, specs: string[]): Promise<string | undefined> {
  const args = ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts", ...specs];
  return new Promise((resolve) => {
    execFile("npm", args, { timeout: 5 * 60_000, maxBuffer: 4 * 1024 * 1024 }, (error, _stdout, stderr) => {
      resolve(error ? (stderr || error.message) : undefined);
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split("\n").filter((line) => !/complete log of this run/.test(line)).slice(-3).join(" ").replace(/\s+/g, " ");
}

function makeReadable(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) continue;
    chmodSync(path, (stats.mode & 0o777) | (stats.isDirectory() ? 0o555 : 0o444));
    if (stats.isDirectory()) makeReadable(path);
  }
}
