import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { createDeployProvider, defaultTarget, DEPLOY_TARGETS, DeployError, packageFunction, redact, type DeployPlan, type DeployProvider, type DeployTarget } from "../deploy";
import { formatPackage, formatPlan } from "../deploy/formatPlan";
import { loadProject } from "../project/loadProject";
import type { FunctionSpec, ProjectSpec } from "../project/spec";
import { parseCommandArgs, UsageError } from "./args";
import { DEPLOY_USAGE, PACKAGE_USAGE } from "./deployUsage";

/** Writes a function's deployment zip and prints its size, file count, sha256 and the cloud's limits. */
export async function packageCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("package", argv, {
    project: { type: "string" },
    out: { type: "string" },
    target: { type: "string" },
  });
  const name = positionals[0];
  if (!name || positionals.length > 1) throw new UsageError(`faasbox package: which function? Usage: ${PACKAGE_USAGE}`);
  const root = resolve(values.project ?? ".");
  const spec = findFunction(load(root, "package"), name, "package");
  const target = parseTarget("package", values.target) ?? defaultTarget(spec);
  const out = resolve(values.out ?? `${name}.zip`);
  try {
    const packaged = await packageFunction(spec, { projectRoot: root });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, packaged.zip);
    const summary = formatPackage(name, out, packaged, target, process.env.FAASBOX_CODE_BUCKET || undefined);
    console.log(summary.text);
    return summary.ok ? 0 : 1;
  } catch (error) {
    return reportFailure(error);
  }
}

/**
 * Packages each function, reads the cloud's state and prints what would change; then,
 * unless --dry-run, applies the plans one by one with progress lines.
 */
export async function deployCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("deploy", argv, {
    project: { type: "string" },
    target: { type: "string" },
    region: { type: "string" },
    role: { type: "string" },
    "code-bucket": { type: "string" },
    "dry-run": { type: "boolean" },
    yes: { type: "boolean", short: "y" },
  });
  if (positionals.length > 1) throw new UsageError(`faasbox deploy: one function at a time, or none for all. Usage: ${DEPLOY_USAGE}`);
  const root = resolve(values.project ?? ".");
  const target = parseTarget("deploy", values.target);
  const project = load(root, "deploy");
  const functions = positionals[0]
    ? [findFunction(project, positionals[0], "deploy")]
    : project.functions.filter((fn) => !target || defaultTarget(fn) === target);
  if (functions.length === 0) {
    const which = target ? `no ${target === "scf" ? "SCF" : "AWS"} functions` : "no functions";
    throw new UsageError(`faasbox deploy: ${which} in ${root}; name one, or check the manifests (faasbox deploy --help)`);
  }

  const providers = new Map<DeployTarget, DeployProvider>();
  const providerFor = (t: DeployTarget) => {
    if (!providers.has(t)) providers.set(t, createDeployProvider(t, { region: values.region, role: values.role, codeBucket: values["code-bucket"] }));
    return providers.get(t)!;
  };
  const plans: DeployPlan[] = [];
  try {
    for (const spec of functions) {
      const packaged = await packageFunction(spec, { projectRoot: root });
      const plan = await providerFor(target ?? defaultTarget(spec)).plan(spec, packaged);
      console.log(formatPlan(plan));
      plans.push(plan);
    }
  } catch (error) {
    return reportFailure(error);
  }
  if (plans.some((plan) => plan.blockers.length > 0)) {
    console.error("error: nothing was deployed; fix what is marked ✗ above and run the command again");
    return 1;
  }
  if (values["dry-run"]) {
    console.log("dry run: nothing was changed");
    return 0;
  }
  const pending = plans.filter((plan) => plan.action !== "unchanged");
  if (pending.length === 0) {
    console.log("everything is up to date; nothing to deploy");
    return 0;
  }
  if (!values.yes && !(await confirm(pending))) {
    console.log("nothing was deployed");
    return 1;
  }
  try {
    for (const plan of pending) {
      const result = await providerFor(plan.provider).apply(plan, (line) => console.log(`  ${line}`));
      console.log(`deployed ${result.functionName} to ${result.provider === "scf" ? "SCF" : "Lambda"} (${result.region}): ${result.consoleUrl}`);
      if (result.url) console.log(`  URL: ${result.url}`);
    }
  } catch (error) {
    return reportFailure(error);
  }
  return 0;
}

function load(root: string, command: string): ProjectSpec {
  try {
    const { project, problems } = loadProject(root);
    for (const problem of problems) console.error(`warning: ${problem.message}`);
    return project;
  } catch (error) {
    throw new UsageError(`faasbox ${command}: ${(error as Error).message}`);
  }
}

function findFunction(project: ProjectSpec, name: string, command: string): FunctionSpec {
  const spec = project.functions.find((fn) => fn.name === name);
  if (spec) return spec;
  const names = project.functions.map((fn) => fn.name).join(", ") || "none";
  throw new UsageError(`faasbox ${command}: no function named "${name}" in ${project.root} (functions: ${names})`);
}

function parseTarget(command: string, value: string | undefined): DeployTarget | undefined {
  if (value === undefined) return undefined;
  if ((DEPLOY_TARGETS as readonly string[]).includes(value)) return value as DeployTarget;
  throw new UsageError(`faasbox ${command}: --target must be scf or lambda, got "${value}"`);
}

/** Asks on a terminal; elsewhere (CI, pipes) --yes is required, so nothing deploys by accident. */
async function confirm(plans: DeployPlan[]): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError("faasbox deploy: standard input is not a terminal, so there is no one to confirm; pass --yes to deploy, or --dry-run to only see the plan");
  }
  const names = plans.map((plan) => `${plan.functionName} (${plan.action})`).join(", ");
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`Deploy ${names}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** Every failure is printed once, and never with a secret in it, whatever the error. */
function reportFailure(error: unknown): number {
  if (error instanceof UsageError) throw error;
  const env = process.env;
  const secrets = [env.TENCENTCLOUD_SECRET_KEY, env.TENCENTCLOUD_SESSION_TOKEN, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN];
  const message = error instanceof DeployError ? error.message : `unexpected error: ${(error as Error).message ?? String(error)}`;
  console.error(`error: ${redact(message, secrets)}`);
  return 1;
}
