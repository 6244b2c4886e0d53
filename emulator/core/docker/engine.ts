import Docker from "dockerode";

/** Which engine we talk to, in words a user can act on. */
export function describeDockerTarget(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST ? `${env.DOCKER_HOST} (from DOCKER_HOST)` : "unix:///var/run/docker.sock (default socket)";
}

/** dockerode reads DOCKER_HOST, DOCKER_CERT_PATH and DOCKER_TLS_VERIFY itself. */
export function connectDocker(): Docker {
  return new Docker();
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
