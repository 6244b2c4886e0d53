import Docker from "dockerode";

/**
 * Which engine we talk to, in words a user can act on: `dockerHost` when the emulator was
 * given one (EngineOptions.dockerHost), else DOCKER_HOST, else the default socket.
 */
export function describeDockerTarget(env: NodeJS.ProcessEnv = process.env, dockerHost?: string): string {
  if (dockerHost) return `${dockerHost} (from the emulator's options)`;
  return env.DOCKER_HOST ? `${env.DOCKER_HOST} (from DOCKER_HOST)` : "unix:///var/run/docker.sock (default socket)";
}

/**
 * A client of the engine at `dockerHost` (`unix:///path/docker.sock` or `tcp://host:port`, plain
 * HTTP), whatever DOCKER_HOST says; without it, dockerode reads DOCKER_HOST, DOCKER_CERT_PATH and
 * DOCKER_TLS_VERIFY itself (the way to reach a TLS engine).
 */
export function connectDocker(dockerHost?: string): Docker {
  return dockerHost ? new Docker(dockerOptionsFor(dockerHost)) : new Docker();
}

/** dockerode options for an explicit engine address; every connection field is set, so none comes from DOCKER_HOST. */
export function dockerOptionsFor(dockerHost: string): Docker.DockerOptions {
  const cleared = { host: undefined, port: undefined, socketPath: undefined, ca: undefined, cert: undefined, key: undefined, timeout: undefined };
  if (dockerHost.startsWith("unix://")) {
    return { ...cleared, socketPath: dockerHost.slice("unix://".length) || "/var/run/docker.sock", protocol: "http" };
  }
  let url: URL;
  try {
    url = new URL(dockerHost.includes("://") ? dockerHost : `tcp://${dockerHost}`);
  } catch {
    throw new Error(`${dockerHost} is not a Docker engine address (expected unix:///path/to/docker.sock or tcp://host:port)`);
  }
  if (url.protocol !== "tcp:" && url.protocol !== "http:") {
    throw new Error(`${dockerHost}: only unix:// and tcp:// engine addresses can be passed; use DOCKER_HOST for ${url.protocol}// or TLS`);
  }
  return { ...cleared, protocol: "http", host: url.hostname, port: url.port || 2375, pathPrefix: "/" } as Docker.DockerOptions;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
}

/** The engine's version, or an error when it does not answer within `timeoutMs`. */
export async function pingEngine(docker: Docker, timeoutMs = 5000): Promise<EngineInfo> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const version = await Promise.race([docker.version(), timeout]);
    return { version: version.Version, apiVersion: version.ApiVersion, os: `${version.Os}/${version.Arch}` };
  } finally {
    clearTimeout(timer);
  }
}
