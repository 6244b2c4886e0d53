import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative } from "node:path";
import type Docker from "dockerode";
import { BUILD_MARKER, buildFolderOf, type BuildRecord } from "../project/buildOutput";
import type { FunctionSpec } from "../project/spec";
import { BUILD_MOUNT, FIND_LINKS_MOUNT, NPM_MOUNT, planBuild } from "./buildPlan";
import { runBuildContainer } from "./runBuildContainer";
import { isFile } from "../util/pathKind";
import { stageCode } from "./stageCode";

export class BuildError extends Error {}

export interface BuildOptions {
  projectRoot: string;
  docker: Docker;
  /** The function's runtime image (buildImageFor). */
  image: string;
  /** `--pip-find-links DIR`: a folder of wheels mounted read-only for pip. */
  findLinks?: string;
  /** The environment the user's pip and npm settings are read from. */
  env: NodeJS.ProcessEnv;
  /** Progress lines. */
  log: (line: string) => void;
}

/**
 * The user's own settings for the package managers, passed to the build container as they
 * are: pip reads PIP_<OPTION> (https://pip.pypa.io/en/stable/topics/configuration/#environment-variables),
 * npm reads npm_config_<key> (https://docs.npmjs.com/cli/v10/using-npm/config#environment-variables).
 * Their values (an index URL may hold a password) are never printed.
 */
const PASSED_THROUGH = /^(PIP_[A-Z0-9_]+|npm_config_[a-z0-9_-]+|NPM_CONFIG_[A-Z0-9_-]+|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy)$/;

/**
 * Variables naming a file of extra certificate authorities: Node's
 * (https://nodejs.org/api/cli.html#node_extra_ca_certsfile), pip's `--cert`
 * (https://pip.pypa.io/en/stable/topics/https-certificates/), and OpenSSL's and requests' bundles.
 */
const CA_FILE_VARIABLES = ["NODE_EXTRA_CA_CERTS", "PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"] as const;

/**
 * Builds one function into `.faasbox/build/NAME`: its code copied into a fresh folder beside
 * the old build, its dependencies installed there in its runtime image, then the marker
 * written and the folder put in place of the old build, so a failed build leaves the last
 * good one (or none) and never half of one.
 */
export async function buildFunction(spec: FunctionSpec, options: BuildOptions): Promise<string> {
  const sourceDir = spec.build?.sourceDir ?? spec.codeDir;
  const buildDir = buildFolderOf(options.projectRoot, spec.name);
  const shown = relative(options.projectRoot, buildDir);
  if (spec.container) throw new BuildError(`${spec.name}: an image function; its image is built by the emulator from its Dockerfile, not by faasbox build`);
  if (spec.codeArchive) throw new BuildError(`${spec.name}: its code is a zip package (${spec.codeArchive}), already built; faasbox build builds code folders`);
  prepareBuildParent(options.projectRoot);
  const staging = join(dirname(buildDir), `.${spec.name.replace(/[^A-Za-z0-9._-]/g, "_")}.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    const plan = planBuild({ family: spec.family, codeDir: sourceDir }, { findLinks: options.findLinks !== undefined });
    options.log(`${spec.name}: copying ${relative(options.projectRoot, sourceDir) || "."} to ${shown}`);
    let warnings: string[];
    try {
      warnings = stageCode(sourceDir, options.projectRoot, staging, { exclude: spec.packageExclude, skipTopLevel: plan.skipTopLevel });
    } catch (error) {
      throw new BuildError(`${spec.name}: ${(error as Error).message}`);
    }
    for (const warning of warnings) options.log(`${spec.name}: warning: ${warning}`);
    if (plan.script) await install(spec, plan.command, plan.script, staging, options);
    const record: BuildRecord = { sourceDir, builtAt: Date.now() };
    writeFileSync(join(staging, BUILD_MARKER), `${JSON.stringify(record)}\n`);
    rmSync(buildDir, { recursive: true, force: true });
    renameSync(staging, buildDir);
    options.log(`${spec.name}: built into ${shown}`);
    return buildDir;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function install(spec: FunctionSpec, command: string, script: string, staging: string, options: BuildOptions): Promise<void> {
  const binds = [`${staging}:${BUILD_MOUNT}`];
  const hostNpm = join(dirname(process.execPath), "..", "lib", "node_modules", "npm");
  if (spec.family === "nodejs" && existsSync(join(hostNpm, "bin", "npm-cli.js"))) binds.push(`${hostNpm}:${NPM_MOUNT}:ro`);
  if (options.findLinks !== undefined) binds.push(`${options.findLinks}:${FIND_LINKS_MOUNT}:ro`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined && PASSED_THROUGH.test(key)) env[key] = value;
  // The user's own config files (a registry, a mirror, a token), lent read-only as their tools would read them.
  const userConfig = userConfigFile(spec.family, options.env);
  if (userConfig) {
    binds.push(`${userConfig.host}:${userConfig.mount}:ro`);
    env[userConfig.variable] = userConfig.mount; // a host path given in the variable means nothing in the container
  }
  // Certificate authorities the user trusts (a company proxy that inspects TLS): each file lent read-only, the variable pointing at it.
  for (const variable of CA_FILE_VARIABLES) {
    const file = options.env[variable];
    if (file === undefined || !isFile(file)) continue;
    const mount = `/opt/faasbox-certs/${variable}.pem`;
    binds.push(`${file}:${mount}:ro`);
    env[variable] = mount;
  }
  // npm's own `cafile` (in the environment npm gives scripts, or in the lent npm's builtin npmrc) names a host
  // file and replaces the trusted authorities: lend that file too, or npm in the container trusts the wrong list.
  const cafile = npmCafile(spec.family, options.env, hostNpm);
  if (cafile) {
    binds.push(`${cafile}:/opt/faasbox-certs/npm-cafile.pem:ro`);
    for (const key of Object.keys(env)) if (key.toLowerCase() === "npm_config_cafile") delete env[key];
    env.npm_config_cafile = "/opt/faasbox-certs/npm-cafile.pem";
  }
  // The user's uid has no home in the image: caches go to the container's own /tmp.
  Object.assign(env, { HOME: "/tmp", npm_config_cache: "/tmp/.npm", npm_config_update_notifier: "false", PIP_CACHE_DIR: "/tmp/.pip-cache" });
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  options.log(`${spec.name}: ${command} in ${options.image}`);
  let result: { exitCode: number; tail: string[] };
  try {
    result = await runBuildContainer(options.docker, {
      image: options.image,
      script,
      workingDir: BUILD_MOUNT,
      binds,
      env,
      user: `${uid}:${gid}`,
      labels: { "dev.faasbox.build": spec.name },
      onLine: (line) => options.log(`${spec.name}  | ${line}`),
    });
  } catch (error) {
    throw new BuildError(`${spec.name}: could not run ${command} in ${options.image}: ${(error as Error).message}`);
  }
  if (result.exitCode !== 0) {
    const tail = result.tail.filter((line) => line.trim() !== "").slice(-15).map((line) => `  ${line}`).join("\n");
    throw new BuildError(`${spec.name}: ${command} failed in ${options.image} (exit status ${result.exitCode})${tail ? `; its last lines:\n${tail}` : ""}`);
  }
}

/**
 * npm's per-user config (~/.npmrc, or npm_config_userconfig; https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#files)
 * or pip's (PIP_CONFIG_FILE, ~/.config/pip/pip.conf, ~/.pip/pip.conf; https://pip.pypa.io/en/stable/topics/configuration/#location).
 */
function userConfigFile(family: FunctionSpec["family"], env: NodeJS.ProcessEnv): { host: string; mount: string; variable: string } | undefined {
  const home = env.HOME ?? homedir();
  const candidates =
    family === "nodejs"
      ? [env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? join(home, ".npmrc")]
      : family === "python"
        ? [env.PIP_CONFIG_FILE, join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "pip", "pip.conf"), join(home, ".pip", "pip.conf")]
        : [];
  const host = candidates.find((file): file is string => file !== undefined && isFile(file));
  if (!host) return undefined;
  return family === "nodejs"
    ? { host, mount: "/opt/faasbox-config/npmrc", variable: "npm_config_userconfig" }
    : { host, mount: "/opt/faasbox-config/pip.conf", variable: "PIP_CONFIG_FILE" };
}

/**
 * The certificate file npm on this machine is configured with (`cafile`,
 * https://docs.npmjs.com/cli/using-npm/config#cafile): from the environment first (npm exports its
 * config to scripts as npm_config_*), else from the builtin npmrc of the npm lent to the container.
 */
function npmCafile(family: FunctionSpec["family"], env: NodeJS.ProcessEnv, hostNpm: string): string | undefined {
  if (family !== "nodejs") return undefined;
  let file = env.npm_config_cafile ?? env.NPM_CONFIG_CAFILE;
  if (file === undefined) {
    try {
      file = /^\s*cafile\s*=\s*"?([^"\n]+?)"?\s*$/m.exec(readFileSync(join(hostNpm, "npmrc"), "utf8"))?.[1];
    } catch {
      // no builtin npmrc: npm's defaults
    }
  }
  return file !== undefined && isFile(file) ? file : undefined;
}


/**
 * `.faasbox` and `.faasbox/build` must be real folders of the project: a cloned repository
 * could ship either as a symlink to anywhere, and the build writes and deletes under them.
 */
function prepareBuildParent(projectRoot: string): void {
  for (const folder of [join(projectRoot, ".faasbox"), join(projectRoot, ".faasbox", "build")]) {
    let stats;
    try {
      stats = lstatSync(folder);
    } catch {
      mkdirSync(folder);
      continue;
    }
    if (!stats.isDirectory()) {
      throw new BuildError(`${folder} is ${stats.isSymbolicLink() ? "a symlink" : "not a folder"}; expected a folder of the project (faasbox build writes there and never through a link): remove it and run faasbox build again`);
    }
  }
}
