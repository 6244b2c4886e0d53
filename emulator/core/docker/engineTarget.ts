// Which Docker engine Faasbox talks to, chosen the way the docker CLI chooses it, and why.
//
// In order: an address given to the emulator (EngineOptions.dockerHost), DOCKER_HOST (with
// DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH for TLS, as `docker -H` reads them), the
// docker CLI's context (DOCKER_CONTEXT, else `currentContext` in $DOCKER_CONFIG/config.json),
// then, only when /var/run/docker.sock does not exist, the sockets of Docker Desktop, rootless
// Docker and Podman, then the default socket. Nothing here opens a connection: see engine.ts.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** How the engine is reached. */
export type EngineTransport = "unix" | "npipe" | "tcp" | "tcp+TLS" | "ssh";

/** Where the choice came from. */
export type EngineSource = "option" | "DOCKER_HOST" | "context" | "docker-desktop" | "rootless" | "podman" | "default";

export interface EngineTls {
  /** Whether the engine's certificate is checked (DOCKER_TLS_VERIFY, or a context without SkipTLSVerify). */
  verify: boolean;
  /** The folder the certificates were looked for in. */
  certDir: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface EngineTarget {
  /** The address as DOCKER_HOST spells it (`unix:///var/run/docker.sock`, `tcp://host:2376`); empty when it could not be worked out. */
  host: string;
  transport: EngineTransport;
  /** A socket on this machine or a loopback address, rather than another machine. */
  local: boolean;
  source: EngineSource;
  /** The docker context's name, when one chose the engine. */
  context?: string;
  tls?: EngineTls;
  /** The address and why it was chosen, in words a user can act on, e.g. `tcp://10.0.0.5:2376 with TLS (docker context "remote")`. */
  description: string;
  /** Why no client can be made for it (an unreadable setting, an unsupported transport), with what to change; unset when it can be used. */
  problem?: string;
}

export interface TargetInputs {
  /** An engine address given explicitly (the emulator's options): wins over everything else. */
  dockerHost?: string;
  env?: NodeJS.ProcessEnv;
  /** The user's home folder (default: os.homedir()). */
  home?: string;
  platform?: NodeJS.Platform;
  /** Whether a socket file exists (default: fs.existsSync); tests fake it. */
  exists?: (path: string) => boolean;
  /** The user's uid, for /run/user/UID when XDG_RUNTIME_DIR is unset (default: process.getuid()). */
  uid?: number;
}

export const DEFAULT_SOCKET = "/var/run/docker.sock";
const WINDOWS_PIPE = "npipe:////./pipe/docker_engine";

/** The ssh transport needs an ssh client library that this build does not carry (scripts/stubs/ssh2.js). */
export function sshUnsupported(host: string, where: string): string {
  const url = safeUrl(host);
  const remote = url ? `${url.username ? `${url.username}@` : ""}${url.hostname}${url.port ? ` -p ${url.port}` : ""}` : "USER@HOST";
  return (
    `${host} (${where}) is an ssh:// engine, which this build of Faasbox cannot reach (it has no ssh client). ` +
    `Forward the remote engine's socket and point Faasbox at it: 'ssh -nNT -L /tmp/faasbox-docker.sock:/var/run/docker.sock ${remote}', ` +
    `then DOCKER_HOST=unix:///tmp/faasbox-docker.sock; or expose the engine on tcp:// with TLS and set DOCKER_HOST=tcp://HOST:2376, ` +
    `DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (or a docker context with TLS: 'docker context create NAME --docker host=tcp://HOST:2376,ca=…,cert=…,key=…').`
  );
}

/** Which engine to use and why; never throws (an unusable choice carries `problem`). */
export function resolveEngineTarget(inputs: TargetInputs = {}): EngineTarget {
  const env = inputs.env ?? process.env;
  const home = inputs.home ?? homedir();
  const platform = inputs.platform ?? process.platform;
  const exists = inputs.exists ?? existsSync;
  const configDir = env.DOCKER_CONFIG || join(home, ".docker");
  const tidy = (path: string) => tidyPath(path, home);

  if (inputs.dockerHost) return fromAddress(inputs.dockerHost, "option", "from the emulator's options", env, configDir, tidy);
  if (env.DOCKER_HOST) return fromAddress(env.DOCKER_HOST, "DOCKER_HOST", "from DOCKER_HOST", env, configDir, tidy);

  const contextName = env.DOCKER_CONTEXT || readCurrentContext(configDir);
  if (contextName && contextName !== "default") {
    const why = env.DOCKER_CONTEXT ? "from DOCKER_CONTEXT" : `current in ${tidy(join(configDir, "config.json"))}`;
    return fromContext(contextName, why, configDir, tidy);
  }

  if (platform === "win32") return describe({ host: WINDOWS_PIPE, transport: "npipe", local: true, source: "default" }, "default pipe");
  if (!exists(DEFAULT_SOCKET)) {
    const uid = inputs.uid ?? process.getuid?.();
    const runtimeDir = env.XDG_RUNTIME_DIR || (uid !== undefined ? `/run/user/${uid}` : undefined);
    const candidates: Array<[string, EngineSource, string]> = [
      [join(home, ".docker", "run", "docker.sock"), "docker-desktop", "Docker Desktop"],
      ...(runtimeDir ? ([[join(runtimeDir, "docker.sock"), "rootless", "rootless Docker"]] as Array<[string, EngineSource, string]>) : []),
      ...(runtimeDir ? ([[join(runtimeDir, "podman", "podman.sock"), "podman", "Podman"]] as Array<[string, EngineSource, string]>) : []),
      ["/run/podman/podman.sock", "podman", "Podman"],
    ];
    for (const [socket, source, why] of candidates) {
      if (exists(socket)) return describe({ host: `unix://${socket}`, transport: "unix", local: true, source }, why);
    }
  }
  return describe({ host: `unix://${DEFAULT_SOCKET}`, transport: "unix", local: true, source: "default" }, "default socket");
}

type Tidy = (path: string) => string;

function describe(target: Omit<EngineTarget, "description">, why: string): EngineTarget {
  const tls = target.tls;
  const how = !tls ? "" : tls.verify ? " with TLS" : " with TLS, the engine's certificate not verified";
  return { ...target, description: `${target.host}${how} (${why})` };
}

/** An address from the emulator's options or DOCKER_HOST; TLS settings come from the environment, as for `docker -H`. */
function fromAddress(address: string, source: EngineSource, why: string, env: NodeJS.ProcessEnv, configDir: string, tidy: Tidy): EngineTarget {
  const variable = source === "DOCKER_HOST" ? "DOCKER_HOST" : "the emulator's dockerHost option";
  const parsed = parseAddress(address);
  if ("error" in parsed) {
    return { host: address, transport: "tcp", local: false, source, description: `${address} (${why})`, problem: `${variable} is ${parsed.error}` };
  }
  const base = { host: parsed.host, transport: parsed.transport, local: parsed.local, source };
  if (parsed.transport === "ssh") return { ...describe(base, why), problem: sshUnsupported(parsed.host, why) };
  if (parsed.transport !== "tcp") return describe(base, why);

  // The docker CLI: DOCKER_TLS_VERIFY (any non-empty value) means TLS and a verified engine;
  // DOCKER_TLS alone means TLS without verifying it; certificates from DOCKER_CERT_PATH, else the config folder.
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) {
    return describe({ ...base, host: withPort(parsed, 2375) }, why);
  }
  const certDir = env.DOCKER_CERT_PATH || configDir;
  const loaded = loadTls(certDir, verify, tidy);
  const target = { ...base, host: withPort(parsed, 2376), transport: "tcp+TLS" as const, tls: loaded.tls };
  const described = describe(target, `${why}, ${certificatesIn(loaded.tls, tidy)}`);
  if (loaded.problem) return { ...described, problem: loaded.problem };
  if (env.DOCKER_CERT_PATH && !loaded.tls.ca && !loaded.tls.cert) {
    return { ...described, problem: `DOCKER_CERT_PATH is ${env.DOCKER_CERT_PATH}, which holds none of ca.pem, cert.pem and key.pem: point it at the folder with the engine's CA certificate and this client's certificate and key` };
  }
  return described;
}

function certificatesIn(tls: EngineTls, tidy: Tidy): string {
  const found = [tls.ca && "CA", tls.cert && "client certificate"].filter(Boolean);
  return found.length > 0 ? `certificates in ${tidy(tls.certDir)}` : `no certificates in ${tidy(tls.certDir)}`;
}

function fromContext(name: string, why: string, configDir: string, tidy: Tidy): EngineTarget {
  const id = createHash("sha256").update(name).digest("hex");
  const metaFile = join(configDir, "contexts", "meta", id, "meta.json");
  const label = `docker context "${name}"`;
  const unusable = (problem: string): EngineTarget => ({
    host: "",
    transport: "unix",
    local: false,
    source: "context",
    context: name,
    description: `${label} (${why})`,
    problem,
  });
  let meta: { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8"));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return unusable(
      missing
        ? `${label} (${why}) does not exist in ${tidy(join(configDir, "contexts"))}: run 'docker context ls' and 'docker context use NAME', or set DOCKER_CONTEXT or DOCKER_HOST`
        : `${label} cannot be read (${tidy(metaFile)}: ${(error as Error).message}): run 'docker context inspect ${name}', or set DOCKER_HOST`,
    );
  }
  const endpoint = meta.Endpoints?.docker;
  const address = endpoint?.Host || `unix://${DEFAULT_SOCKET}`;
  const parsed = parseAddress(address);
  if ("error" in parsed) return unusable(`${label} has an engine address that is ${parsed.error}: fix it with 'docker context update ${name} --docker host=…'`);
  const base = { host: parsed.host, transport: parsed.transport, local: parsed.local, source: "context" as const, context: name };
  if (parsed.transport === "ssh") return { ...describe(base, label), problem: sshUnsupported(parsed.host, label) };
  if (parsed.transport !== "tcp") return describe(base, label);
  // As the docker CLI: TLS when the context stores TLS material or skips verification.
  const tlsDir = join(configDir, "contexts", "tls", id, "docker");
  const verify = !endpoint?.SkipTLSVerify;
  const loaded = loadTls(tlsDir, verify, tidy);
  if (!loaded.tls.ca && !loaded.tls.cert && verify) return describe({ ...base, host: withPort(parsed, 2375) }, label);
  const described = describe({ ...base, host: withPort(parsed, 2376), transport: "tcp+TLS", tls: loaded.tls }, label);
  return loaded.problem ? { ...described, problem: loaded.problem } : described;
}

function readCurrentContext(configDir: string): string | undefined {
  try {
    const config = JSON.parse(readFileSync(join(configDir, "config.json"), "utf8")) as { currentContext?: unknown };
    return typeof config.currentContext === "string" ? config.currentContext : undefined;
  } catch {
    return undefined; // no config file, or one the docker CLI would also only warn about
  }
}

function loadTls(certDir: string, verify: boolean, tidy: Tidy): { tls: EngineTls; problem?: string } {
  const read = (file: string): Buffer | undefined => {
    try {
      return readFileSync(join(certDir, file));
    } catch {
      return undefined;
    }
  };
  const tls: EngineTls = { verify, certDir, ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
  if (Boolean(tls.cert) !== Boolean(tls.key)) {
    const missing = tls.cert ? "key.pem" : "cert.pem";
    return { tls, problem: `${tidy(join(certDir, missing))} is missing: a client certificate needs both cert.pem and key.pem in ${tidy(certDir)}` };
  }
  return { tls };
}

interface ParsedAddress {
  host: string;
  transport: EngineTransport;
  local: boolean;
  hostname?: string;
  port?: string;
}

/** An engine address as DOCKER_HOST may spell it: unix://, tcp:// (or host:port), npipe://, ssh://. */
export function parseAddress(address: string): ParsedAddress | { error: string } {
  const expected = `expected unix:///path/to/docker.sock, tcp://HOST:PORT, ssh://USER@HOST or npipe:////./pipe/NAME`;
  if (address.startsWith("unix://")) {
    const path = address.slice("unix://".length) || DEFAULT_SOCKET;
    return { host: `unix://${path}`, transport: "unix", local: true };
  }
  if (address.startsWith("npipe://")) {
    const pipe = address.slice("npipe://".length) || "//./pipe/docker_engine";
    return { host: `npipe://${pipe}`, transport: "npipe", local: true };
  }
  const url = safeUrl(address.includes("://") ? address : `tcp://${address}`);
  if (!url || !url.hostname) return { error: `${address}, not a Docker engine address (${expected})` };
  if (url.protocol === "ssh:") return { host: address, transport: "ssh", local: false, hostname: url.hostname, port: url.port };
  if (url.protocol !== "tcp:" && url.protocol !== "http:") return { error: `${address}, whose ${url.protocol}// is not a Docker engine transport (${expected})` };
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host: address, transport: "tcp", local: isLoopback(hostname), hostname, port: url.port };
}

function withPort(parsed: ParsedAddress, defaultPort: number): string {
  const host = parsed.hostname!.includes(":") ? `[${parsed.hostname}]` : parsed.hostname;
  return `tcp://${host}:${parsed.port || defaultPort}`;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function tidyPath(path: string, home: string): string {
  return home && home !== "/" && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}
