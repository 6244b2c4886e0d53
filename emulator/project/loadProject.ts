import { statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { applyOverrides, applySettings } from "./applySettings";
import { useBuildOutput } from "./buildOutput";
import { checkFunction } from "./checkFunction";
import { isComponentsV1, mentionsComponentsV1, readComponentsV1 } from "./componentsV1";
import { readDatabaseSources } from "./databaseSources";
import { readEnvFile } from "./dotenv";
import { layerEnvironment, readNamedEnvFile } from "./environmentLayers";
import { findMissingDependencies, missingDependenciesWarning } from "./missingDependencies";
import { ManifestError, collectProblem, fileRef, type FieldRef, type ManifestWarning } from "./errors";
import { readFaasboxYml, type FaasboxManifest } from "./faasboxYml";
import { findFaasboxYml, findManifests } from "./findManifests";
import { emptyResult, type ManifestFunction, type ManifestResult, type ReadContext } from "./manifestFunction";
import { samBuildOutput } from "./samBuildOutput";
import { EnvVarsOverrides } from "./samEnvVarsOverrides";
import type { SamOptions } from "./samOptions";
import { isSamTemplate, readSamTemplate } from "./samTemplate";
import { isScfTemplate, readScfTemplate } from "./scfTemplate";
import { sameScfFunction } from "./sameScfFunction";
import { isServerlessAws, mentionsAwsProvider, readServerlessAws } from "./serverlessAws";
import { isServerlessTencent, mentionsTencentProvider, readServerlessTencent } from "./serverlessTencent";
import { readServerlessYml } from "./serverlessYml";
import type { FunctionSpec, ProjectSpec, UnservedRoute } from "./spec";
import { YamlSource, readManifestText } from "./yamlSource";

export interface LoadResult {
  project: ProjectSpec;
  /** Everything wrong, each at its file and line. The functions they concern are left out; the rest load. */
  problems: ManifestError[];
  /**
   * What loads but differs from the cloud (read leniently, not emulated, a local placeholder),
   * each at its file and line with what it means locally. Nothing is left out for these.
   */
  warnings: ManifestWarning[];
}

/** What the user tells the manifest readers on the command line (`faasbox start`/`invoke`), as the clouds' own CLIs take it. */
export interface ManifestOptions {
  /**
   * `--stage` and `--region`, as serverless.yml's `${opt:stage}` / `${opt:region}` and the stage
   * and region it deploys to; `--region` is a SAM template's `AWS::Region` too, as with `sam local`.
   */
  stage?: string;
  region?: string;
  /** SAM template parameter values and the like. */
  sam?: SamOptions;
}

export interface LoadOptions extends ManifestOptions {
  /** The host environment, for AWS_REGION and serverless.yml's `${env:X}`; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The user's own defaults (editor settings, CLI flags); faasbox.yml still wins over them. */
  localDefaults?: LocalDefaults;
}

export interface LocalDefaults {
  maxConcurrency?: number;
  keepAliveMs?: number;
}

/**
 * Reads every manifest under `root` into one ProjectSpec. Nothing in a manifest throws:
 * a broken file or function becomes a problem and the others still load, so the
 * emulator keeps serving what works while the user fixes the rest. That holds for
 * Faasbox's own bugs too: each manifest, and each function in the steps after reading,
 * is read under a guard that reports an unexpected exception at its file and line.
 */
export function loadProject(root: string, options: LoadOptions = {}): LoadResult {
  const rootDir = resolve(root);
  if (!isFolder(rootDir)) throw new Error(`project folder ${rootDir} does not exist or is not a folder`);
  const problems: ManifestError[] = [];
  const warnings: ManifestWarning[] = [];
  const rootEnv = readEnvFile(join(rootDir, ".env")) ?? {};
  // The shell wins over .env, as with the CLIs that would deploy these manifests.
  const samEnvVars = options.sam?.envVars ? new EnvVarsOverrides(options.sam.envVars) : undefined;
  const context: ReadContext = {
    env: { ...rootEnv, ...(options.env ?? process.env) },
    cliOptions: { stage: options.stage, region: options.region },
    warn: (warning) => addWarning(warnings, warning),
    samEnvVars,
    cacheDir: join(rootDir, ".faasbox"),
  };

  const found = options.sam?.template ? { manifests: [options.sam.template], faasbox: findFaasboxYml(rootDir) } : findManifests(rootDir);
  // The files actually read, for watching: a build output read in place of its template too.
  const read = new Set(found.manifests);
  const functions: ManifestFunction[] = [];
  const failedNames = new Set<string>();
  const unservedRoutes: UnservedRoute[] = [];
  const collect = (result: ManifestResult) => {
    functions.push(...result.functions);
    unservedRoutes.push(...(result.unservedRoutes ?? []));
    problems.push(...result.problems);
    for (const name of result.failedNames) failedNames.add(name);
  };
  for (const discovered of found.manifests) {
    const file = options.sam?.template ? discovered : samBuildOutput(discovered, context.warn);
    read.add(file);
    const result = collectProblem(problems, () => readManifest(file, context, options.sam), () => fileRef(file));
    if (result) collect(result);
  }

  // After every template: only then is it known what in the --env-vars file matched nothing.
  if (samEnvVars) warnings.push(...samEnvVars.unused());

  const [faasboxFile, ...extraFaasbox] = found.faasbox;
  for (const file of extraFaasbox) {
    problems.push(new ManifestError(file, 1, "(file)", `ignored because ${faasboxFile} exists; expected only one of them`));
  }
  let faasbox: FaasboxManifest | undefined;
  if (faasboxFile) {
    faasbox = collectProblem(
      problems,
      () => {
        const source = YamlSource.read(faasboxFile);
        for (const warning of source.warnings) context.warn(warning);
        return readFaasboxYml(source, context);
      },
      () => fileRef(faasboxFile),
    );
    if (faasbox) collect(faasbox);
  }

  const unique = dropDuplicates(functions, problems, warnings);
  for (const fn of unique) Object.assign(fn.spec, definedOnly(options.localDefaults ?? {}));
  // A function whose later step fails unexpectedly is left out, like one that fails to read.
  const broken = new Set<ManifestFunction>();
  const step: Step = (fn, run, at = () => fn.at.definition) => {
    const done = collectProblem(
      problems,
      () => {
        run();
        return true;
      },
      at,
    );
    if (!done) broken.add(fn);
  };
  const sharedEnv: Record<string, string> = {};
  for (const ref of faasbox?.envFiles ?? []) Object.assign(sharedEnv, readNamedEnvFile(ref, problems));

  // A database URL's ${env:X}: the shell first, as for serverless.yml's, then faasbox.yml's envFiles and the project's .env.
  const databases = faasbox?.databases ? readDatabaseSources(faasbox.databases, { ...rootEnv, ...sharedEnv, ...(options.env ?? process.env) }, problems, context.warn) : [];
  // Every name written counts, so that an event on a source with a bad URL is not reported a second time.
  const databaseNames = faasbox?.databases?.isMap() ? Object.keys(faasbox.databases.value as object) : [];
  applyFaasboxSettings(unique, faasbox, failedNames, problems, step, databaseNames);

  for (const fn of unique) step(fn, () => capConcurrency(fn.spec));
  const envFiles = new Map(faasbox?.settings.map((s) => [s.name, s.envFile]) ?? []);
  for (const fn of unique) {
    const layers = { root: rootDir, rootEnv, sharedEnv, envFile: envFiles.get(fn.spec.name) };
    step(fn, () => (fn.spec.environment = layerEnvironment(fn.spec, layers, problems)));
  }

  // `faasbox build` output replaces the code folder; only then is it known what is installed.
  for (const fn of unique) step(fn, () => useBuildOutput(fn.spec, rootDir, context.warn));

  const runnable = unique.filter((fn) => {
    if (broken.has(fn)) return false;
    step(fn, () => {
      const found = checkFunction(fn);
      problems.push(...found);
      if (found.length > 0) broken.add(fn);
    });
    if (!broken.has(fn)) {
      step(fn, () => {
        const missing = findMissingDependencies(fn.spec);
        if (missing) context.warn(missingDependenciesWarning(fn.spec, missing));
      });
    }
    return !broken.has(fn);
  });

  const manifests = faasboxFile ? [...read, faasboxFile] : [...read];
  return {
    project: {
      root: rootDir,
      functions: runnable.map((fn) => fn.spec),
      manifests,
      images: faasbox?.images ?? {},
      ...(unservedRoutes.length ? { unservedRoutes } : {}),
      ...(databases.length ? { databases } : {}),
    },
    problems,
    warnings,
  };
}

/**
 * One manifest's functions. Any serverless.yml or template.yaml may belong to another
 * tool, so one that is not SCF or SAM gives nothing, and one that does not even parse is
 * only reported when its text says it is ours.
 */
function readManifest(file: string, context: ReadContext, sam: SamOptions = {}): ManifestResult {
  const isServerlessYml = basename(file).startsWith("serverless.");
  const text = readManifestText(file);
  let source: YamlSource;
  try {
    source = YamlSource.parse(file, text);
  } catch (error) {
    // Only a file that does not parse may be someone else's; anything else is our bug.
    if (!(error instanceof ManifestError)) throw error;
    const ours = isServerlessYml
      ? /^component\s*:\s*["']?(multi-)?scf/m.test(text) || mentionsComponentsV1(text) || mentionsAwsProvider(text) || mentionsTencentProvider(text)
      : /AWS::Serverless|TencentCloud::Serverless/.test(text);
    if (ours) throw error;
    return emptyResult();
  }
  const read = pickReader(isServerlessYml, source, context, sam);
  // Another tool's file is not ours to comment on, not even its duplicate keys.
  if (!read) return emptyResult();
  for (const warning of source.warnings) context.warn(warning);
  return read();
}

/** The reader of a parsed manifest, or undefined for another tool's file. */
function pickReader(isServerlessYml: boolean, source: YamlSource, context: ReadContext, sam: SamOptions): (() => ManifestResult) | undefined {
  const data = source.root.value;
  if (isServerlessYml) {
    // `provider: aws` / `provider: tencent` are the Serverless Framework's; `component:` files are Tencent's components.
    if (isServerlessAws(data)) return () => readServerlessAws(source, context);
    if (isServerlessTencent(data)) return () => readServerlessTencent(source, context);
    // Serverless Components v1: top-level instances `NAME: {component: "@serverless/tencent-scf", inputs}`.
    if (isComponentsV1(data)) return () => readComponentsV1(source, context);
    return () => readServerlessYml(source, context);
  }
  if (isSamTemplate(data)) return () => readSamTemplate(source, context, sam);
  if (isScfTemplate(data)) return () => readScfTemplate(source);
  return undefined;
}

/** Runs one later step for one function; an unexpected failure leaves the function out. */
type Step = (fn: ManifestFunction, run: () => void, at?: () => FieldRef) => void;

/**
 * Names identify functions everywhere (routes, invoke, logs), so the second one of a name is
 * an error, except for one SCF function described in both serverless.yml and template.yaml
 * of the same folder (Tencent's tooling keeps both): that is one function, see sameScfFunction.
 */
function dropDuplicates(functions: ManifestFunction[], problems: ManifestError[], warnings: ManifestWarning[]): ManifestFunction[] {
  const firsts = new Map<string, ManifestFunction>();
  for (const fn of functions) {
    const first = firsts.get(fn.spec.name);
    if (!first) {
      firsts.set(fn.spec.name, fn);
      continue;
    }
    const pair = sameScfFunction(first, fn);
    if (pair) {
      firsts.set(fn.spec.name, pair.kept);
      warnings.push(pair.warning);
      continue;
    }
    const where = `${first.spec.source.file}:${first.spec.source.line}`;
    problems.push(
      ManifestError.at(
        fn.at.name ?? fn.at.definition,
        `duplicate function name ${JSON.stringify(fn.spec.name)}, already defined at ${where}; expected each function name once in the project`,
      ),
    );
  }
  return [...firsts.values()];
}

/** Project-wide defaults first, then each function's own entry, which wins. */
function applyFaasboxSettings(
  functions: ManifestFunction[],
  faasbox: FaasboxManifest | undefined,
  failedNames: Set<string>,
  problems: ManifestError[],
  step: Step,
  databaseNames: readonly string[],
): void {
  if (!faasbox) return;
  const byName = new Map(functions.map((fn) => [fn.spec.name, fn]));
  for (const fn of functions) step(fn, () => applyOverrides(fn, faasbox.defaults));
  for (const settings of faasbox.settings) {
    const fn = byName.get(settings.name);
    if (fn) {
      step(fn, () => applySettings(fn, settings, problems, databaseNames), () => settings.at);
    } else if (!failedNames.has(settings.name)) {
      const known = [...byName.keys()].join(", ") || "none";
      problems.push(
        ManifestError.at(
          settings.at,
          `no function named ${JSON.stringify(settings.name)} in any manifest (functions: ${known}); ` +
            "expected the name of a function from serverless.yml or template.yaml, or runtime and handler to define it here",
        ),
      );
    }
  }
}

/**
 * The cloud's reserved concurrency wins over local settings (faasbox.yml, --max-concurrency):
 * a function that can never run more than N at once must not be tested with more. At 0
 * nothing runs and nothing waits: every call is throttled at once.
 */
function capConcurrency(spec: FunctionSpec): void {
  if (spec.reservedConcurrency === undefined) return;
  spec.maxConcurrency = Math.min(spec.maxConcurrency, spec.reservedConcurrency);
  if (spec.reservedConcurrency === 0) spec.queueSize = 0;
}

/** Globals are read once per function that uses them: what they say is told once. */
function addWarning(warnings: ManifestWarning[], warning: ManifestWarning): void {
  if (!warnings.some((known) => known.message === warning.message)) warnings.push(warning);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function definedOnly(defaults: LocalDefaults): LocalDefaults {
  return Object.fromEntries(Object.entries(defaults).filter(([, value]) => value !== undefined));
}
