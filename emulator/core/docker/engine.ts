import { Agent as HttpsAgent } from "node:https";
import Docker from "dockerode";
import { resolveEngineTarget, type EngineTarget } from "./engineTarget";

export { resolveEngineTarget, type EngineTarget } from "./engineTarget";

/**
 * Which engine we talk to, in words a user can act on: `dockerHost` when the emulator was
 * given one (EngineOptions.dockerHost), else DOCKER_HOST, a docker context, a Podman socket
 * or the default socket (see engineTarget.ts).
 */
export function describeDockerTarget(env: NodeJS.ProcessEnv = process.env, dockerHost?: string): string {
  return resolveEngineTarget({ env, dockerHost }).description;
}

/**
 * A client of the engine at `dockerHost` (`unix:///path/docker.sock` or `tcp://host:port`;
 * TLS as DOCKER_TLS_VERIFY and DOCKER_CERT_PATH say, as for `docker -H`), else of the engine
 * the docker CLI would use (resolveEngineTarget). Throws, saying what to change, when that
 * engine cannot be reached from here at all (an unreadable DOCKER_HOST, ssh://, missing certificates).
 */
export function connectDocker(dockerHost?: string, env: NodeJS.ProcessEnv = process.env): Docker {
  return clientFor(resolveEngineTarget({ dockerHost, env }));
}

/** A client of `target`; throws its `problem` if it has one. */
export function clientFor(target: EngineTarget): Docker {
  const options = dockerOptionsForTarget(target);
  // docker-modem merges what it reads from DOCKER_HOST, DOCKER_CERT_PATH and DOCKER_TLS_VERIFY
  // under our options, and throws on some values (an unparsable DOCKER_HOST, a DOCKER_CERT_PATH
  // without cert.pem): the target already accounts for them, so it is made without them.
  const saved = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  try {
    return new Docker(options);
  } finally {
    if (saved !== undefined) process.env.DOCKER_HOST = saved;
  }
}

/** dockerode options for an explicit engine address (plain unix:// or tcp://, or TLS as the environment says). */
export function dockerOptionsFor(dockerHost: string, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  return dockerOptionsForTarget(resolveEngineTarget({ dockerHost, env }));
}

/** dockerode options for `target`; every connection field is set, so none comes from the environment. */
export function dockerOptionsForTarget(target: EngineTarget): Docker.DockerOptions {
  if (target.problem) throw new Error(target.problem);
  const cleared = { host: undefined, port: undefined, socketPath: undefined, ca: undefined, cert: undefined, key: undefined, timeout: undefined };
  if (target.transport === "unix" || target.transport === "npipe") {
    const prefix = target.transport === "unix" ? "unix://" : "npipe://";
    return { ...cleared, socketPath: target.host.slice(prefix.length), protocol: "http" };
  }
  if (target.transport === "ssh") throw new Error(`${target.host}: ssh:// engines are not supported by this build`);
  const url = new URL(target.host);
  const address = { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: url.port, pathPrefix: "/" };
  const tls = target.tls;
  if (!tls) return { ...cleared, ...address, protocol: "http" } as Docker.DockerOptions;
  const material = { ca: tls.ca, cert: tls.cert, key: tls.key };
  return {
    ...cleared,
    ...address,
    ...material,
    protocol: "https",
    // docker-modem passes no rejectUnauthorized: an agent's options win over the request's.
    ...(tls.verify ? {} : { agent: new HttpsAgent({ ...material, rejectUnauthorized: false }) }),
  } as Docker.DockerOptions;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  /** `linux/amd64`: the engine's OS and architecture (those of its VM on Docker Desktop). */
  os: string;
  /** Podman's Docker-compatible API rather than Docker's own engine. */
  podman: boolean;
  /** "Docker" or "Podman", for messages. */
  product: string;
}

/** The engine's version, or an error when it does not answer within `timeoutMs`. */
export async function pingEngine(docker: Docker, timeoutMs = 5000): Promise<EngineInfo> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const version = await Promise.race([docker.version(), timeout]);
    const podman = (version.Components ?? []).some((c) => /podman/i.test(c.Name)) || /podman/i.test(version.Platform?.Name ?? "");
    return { version: version.Version, apiVersion: version.ApiVersion, os: `${version.Os}/${version.Arch}`, podman, product: podman ? "Podman" : "Docker" };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why the engine at `target` did not answer, with what to change when the error says it:
 * TLS expected or not spoken, a client certificate refused, an engine certificate not trusted,
 * a socket missing or not permitted.
 */
export function explainEngineError(error: unknown, target: EngineTarget): { reason: string; fix?: string } {
  const err = error as NodeJS.ErrnoException & { statusCode?: number; reason?: string; json?: unknown };
  const message = String(err?.message ?? error).trim();
  const code = err?.code ?? "";
  const certDir = target.tls?.certDir;
  const where = target.source === "context" ? `docker context "${target.context}"` : target.source === "DOCKER_HOST" ? "DOCKER_HOST" : "the engine address";
  const fixTlsSettings =
    target.source === "context"
      ? `update the context with its certificates: 'docker context update ${target.context} --docker host=${target.host},ca=…/ca.pem,cert=…/cert.pem,key=…/key.pem'`
      : `set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder holding the engine's ca.pem and this client's cert.pem and key.pem`;

  if (err?.statusCode === 400 && /HTTPS server/i.test(message)) {
    return { reason: `the engine at ${target.host} speaks only TLS and this client used plain HTTP`, fix: `It needs TLS: ${fixTlsSettings}.` };
  }
  if (/wrong version number|packet length too long|http request/i.test(message) || code === "ERR_SSL_WRONG_VERSION_NUMBER") {
    return {
      reason: `the engine at ${target.host} does not speak TLS (${message})`,
      fix: target.source === "context" ? `Recreate ${where} without TLS, or enable TLS on the engine.` : "Unset DOCKER_TLS_VERIFY and DOCKER_TLS for this engine, or enable TLS on it (dockerd --tlsverify).",
    };
  }
  const alert = /alert ([a-z ]+?)(?::|$)/i.exec(message)?.[1];
  const closedDuringTls = target.tls && !target.tls.cert && (code === "ECONNRESET" || code === "EPIPE" || /socket hang up/i.test(message));
  if (alert || /TLSV1_ALERT|SSLV3_ALERT|TLSV13_ALERT/i.test(code) || closedDuringTls) {
    const has = target.tls?.cert ? `the client certificate in ${certDir}` : `no client certificate (none in ${certDir ?? "the certificate folder"})`;
    return {
      reason: `the engine at ${target.host} refused this client, which presented ${has} (${alert ? `TLS alert: ${alert}` : message})`,
      fix:
        target.source === "context"
          ? `The engine wants a client certificate signed by the CA it trusts: ${fixTlsSettings}.`
          : `The engine wants a client certificate signed by the CA it trusts: set DOCKER_CERT_PATH to the folder holding that cert.pem and key.pem (and the engine's ca.pem), with DOCKER_TLS_VERIFY=1.`,
    };
  }
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|CERT_UNTRUSTED/i.test(code)) {
    return {
      reason: `this client does not trust the engine's certificate at ${target.host} (${code}: ${message})`,
      fix:
        code === "ERR_TLS_CERT_ALTNAME_INVALID"
          ? `The engine's certificate does not name ${new URL(target.host).hostname}: connect by a name or IP address its certificate lists (subjectAltName), or reissue it.`
          : `Put the CA that signed the engine's certificate as ca.pem in ${certDir ?? "DOCKER_CERT_PATH"}${target.source === "context" ? "" : " (DOCKER_CERT_PATH)"}.`,
    };
  }
  if (code === "ENOENT" && target.transport === "unix") {
    return { reason: `there is no socket at ${target.host.slice("unix://".length)}` };
  }
  if (code === "EACCES" && target.transport === "unix") {
    return { reason: `this user may not open ${target.host.slice("unix://".length)} (permission denied)`, fix: "Add your user to the docker group (then log in again), or use rootless Docker or Podman." };
  }
  if (code === "ECONNREFUSED") {
    return { reason: `nothing listens at ${target.host} (connection refused)` };
  }
  return { reason: message };
}
