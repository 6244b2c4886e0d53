import { isAbsolute, relative, resolve } from "node:path";
import { Daemon } from "../daemon/daemon";
import { formatLogLine } from "../core/logs/formatLog";
import { isAlive } from "../util/isAlive";
import { parseAllowedHost } from "../util/requestGuard";
import { MANIFEST_FLAGS, parseCommandArgs, parseExecutor, parseManifestOptions, parsePort, UsageError } from "./args";
import type { RouteInfo } from "../protocol";
import { CredentialError } from "../credentials/functionCredentials";
import { runtimeLabel } from "../project/runtimeHereText";
import { functionUrlLines } from "./triggersList";

const PARENT_CHECK_MS = 2000;


function positiveNumber(name: string, value: string | undefined, scale: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`faasbox start: --${name} must be a whole number of at least 1, got "${value}"`);
  return number * scale;
}

/** `--allowed-host`, repeatable: names besides loopback ones the listeners answer to (DNS rebinding, util/requestGuard). */
function allowedHosts(values: string[] | undefined): string[] | undefined {
  try {
    return values?.map(parseAllowedHost);
  } catch (error) {
    throw new UsageError(`faasbox start: --allowed-host: ${(error as Error).message}`);
  }
}

/** `--control-socket PATH`: the control API on a Unix socket (what the editor uses: no TCP port to forward or reach). */
function controlSocketOption(path: string | undefined, port: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  if (!isAbsolute(path)) throw new UsageError(`faasbox start: --control-socket needs an absolute path, got '${path}'`);
  if (port !== undefined) throw new UsageError("faasbox start: --control-socket and --port both say where the control API listens; give one");
  if (process.platform === "win32") throw new UsageError("faasbox start: --control-socket needs a Unix socket; on Windows the control API listens on a loopback port (--port)");
  return path;
}

/** Runs the emulator on a project until Ctrl-C or SIGTERM, then removes every instance. */
export async function startCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("start", argv, {
    "http-port": { type: "string" },
    "invoke-port": { type: "string" },
    port: { type: "string" },
    "control-socket": { type: "string" },
    host: { type: "string" },
    "allowed-host": { type: "string", multiple: true },
    executor: { type: "string" },
    project: { type: "string" },
    "no-watch": { type: "boolean" },
    quiet: { type: "boolean" },
    "keep-alive": { type: "string" },
    "max-concurrency": { type: "string" },
    "parent-pid": { type: "string" },
    profile: { type: "string" },
    "no-credentials": { type: "boolean" },
    ...MANIFEST_FLAGS,
  });
  const root = resolve(positionals[0] ?? values.project ?? ".");
  const color = process.stdout.isTTY;

  const controlSocket = controlSocketOption(values["control-socket"], values.port);
  if (values.profile !== undefined && !values.profile.trim()) throw new UsageError("faasbox start: --profile needs the name of a profile in ~/.aws/config or ~/.aws/credentials");
  const daemon = await Daemon.start({
    root,
    executor: parseExecutor("start", values.executor),
    watch: !values["no-watch"],
    controlPort: parsePort("start", "port", values.port, 0),
    controlSocket,
    httpPort: parsePort("start", "http-port", values["http-port"], 3000),
    portFallback: { http: values["http-port"] === undefined, invoke: values["invoke-port"] === undefined },
    invokePort: parsePort("start", "invoke-port", values["invoke-port"], 3001),
    controlHost: values.host,
    allowedHosts: allowedHosts(values["allowed-host"]),
    manifest: parseManifestOptions("start", values),
    localDefaults: {
      keepAliveMs: positiveNumber("keep-alive", values["keep-alive"], 1000),
      maxConcurrency: positiveNumber("max-concurrency", values["max-concurrency"], 1),
    },
    credentials: { disabled: values["no-credentials"], profile: values.profile?.trim() },
  }).catch((error: unknown) => {
    // An asked-for profile that gives nothing is a usage problem, said in one line.
    if (error instanceof CredentialError) throw new UsageError(`faasbox start: ${error.message}`);
    throw error;
  });
  const { engine } = daemon;
  const stopped = new Promise<void>((done) => {
    let signals = 0;
    const stop = () => {
      // A second Ctrl-C must not kill the process halfway: its containers would be left behind.
      signals++;
      if (signals === 2) return console.log("still stopping: removing the function containers… (once more to quit now and leave them)");
      if (signals > 2) process.exit(130);
      console.log("stopping…");
      void daemon.shutdown("signal").then(done);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    daemon.onEvent((event) => {
      if (event.kind === "shuttingDown") void daemon.stopped?.then(done);
    });
  });

  // Started by an editor: when the editor goes away without stopping us, stop too.
  const parentPid = Number(values["parent-pid"]);
  if (parentPid) {
    setInterval(() => {
      if (!isAlive(parentPid)) void daemon.shutdown("the editor that started the emulator exited");
    }, PARENT_CHECK_MS).unref();
  }

  for (const warning of engine.warnings) console.error(`warning: ${warning}`);
  for (const problem of engine.problems) console.error(`error: ${problem.message}`);
  for (const warning of engine.manifestWarnings) console.error(`warning: ${warning.message}`);
  engine.on("warning", (message) => console.error(`warning: ${message}`));
  engine.on("reloaded", (names) => console.log(`reloaded: ${names.join(", ")}`));
  if (!values.quiet) engine.logBus.subscribe((record) => console.log(formatLogLine(record, { color })));

  const { executor } = engine;
  const channel = executor.agentChannel === "socket" ? ", over a Unix socket" : executor.agentChannel === "attach" ? ", over the engine's attach stream" : "";
  const apiPath = executor.agent ? `Runtime API through the in-container agent${channel}` : "Runtime API DIRECT on the host's loopback (FAASBOX_AGENT=0)";
  const isolation = executor.isolated ? `${executor.kind} containers (network ${executor.network}, ${apiPath})` : "local processes (NOT isolated)";
  // The images are chosen (pulled if need be) before the list, so it shows the version each function runs.
  await engine.resolveRuntimes((line) => console.log(line));
  console.log(`Faasbox serving ${root} with ${isolation}`);
  // Where the functions' credentials came from, never their values (the ids are masked).
  for (const line of engine.credentials.summary) console.log(`  ${line}`);
  for (const fn of engine.functions()) {
    const here = engine.runtimeOf(fn.name);
    const built = fn.build ? `  (runs its faasbox build ${relative(root, fn.build.buildDir)})` : "";
    console.log(`  ${fn.name}  ${runtimeLabel(fn.runtime, here)}  ${fn.web ? "web function: scf_bootstrap" : fn.handler}  ${fn.memoryMb} MB  ${fn.timeoutSec} s${built}`);
    for (const notice of here?.notices ?? []) console.log(`    warning: ${notice.replace(/^faasbox: /, "")}`);
  }
  if (engine.functions().length === 0) console.log("  (no functions yet: add a serverless.yml, template.yaml or faasbox.yml)");
  printRoutes(daemon.triggers().routes);
  for (const line of functionUrlLines(daemon.triggers().urls ?? [])) console.log(line);
  console.log(`HTTP gateway: ${daemon.gateway.url}`);
  console.log(`Lambda Invoke API: ${daemon.invokeUrl} (aws lambda invoke --endpoint-url ${daemon.invokeUrl} …)`);
  console.log(`control API: ${daemon.controlUrl} (token: faasbox status --project ${root} --json)`);

  await stopped;
  return 0;
}

/** Routes grouped by the API they belong to (routes without one first), each API under its stage. */
function printRoutes(routes: RouteInfo[]): void {
  if (!routes.length) return;
  console.log("HTTP routes:");
  const byApi = new Map<string, RouteInfo[]>();
  for (const route of routes) byApi.set(route.api ?? "", [...(byApi.get(route.api ?? "") ?? []), route]);
  for (const [api, list] of byApi) {
    if (api) console.log(`  API ${api}:`);
    const indent = api ? "    " : "  ";
    for (const route of list) {
      const target = route.unsupported ? `not run locally (answers 501): ${route.unsupported}` : `→ ${route.function}${route.web ? " (web function: passed through to its server on port 9000)" : ""}`;
      console.log(`${indent}${route.method.padEnd(6)} ${route.url}  ${target}`);
    }
  }
}
