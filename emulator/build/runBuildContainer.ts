import { PassThrough } from "node:stream";
import type Docker from "dockerode";

export interface BuildContainerRun {
  image: string;
  /** The shell script to run (sh -c). */
  script: string;
  workingDir: string;
  /** host:container[:ro] bind mounts. */
  binds: string[];
  env: Record<string, string>;
  /** The host user the files must belong to, as `uid:gid`. */
  user: string;
  labels: Record<string, string>;
  /** Each line the command prints, as it prints it. */
  onLine: (line: string) => void;
}

/** Lines kept for the error when the command fails. */
const TAIL_LINES = 30;

/**
 * Runs one build command in a throwaway container of the function's image: host network (the
 * package registry must be reachable; the engine here may have no bridge), the build folder
 * bind-mounted, as the host user so the files written are theirs. Resolves with the exit code
 * and the last lines printed; the container is removed in every case.
 */
export async function runBuildContainer(docker: Docker, run: BuildContainerRun): Promise<{ exitCode: number; tail: string[] }> {
  const container = await docker.createContainer({
    Image: run.image,
    Entrypoint: ["/bin/sh", "-c"],
    Cmd: [run.script],
    WorkingDir: run.workingDir,
    User: run.user,
    Env: Object.entries(run.env).map(([key, value]) => `${key}=${value}`),
    Labels: run.labels,
    Tty: false,
    HostConfig: { Binds: run.binds, NetworkMode: "host", AutoRemove: false },
  });
  const tail: string[] = [];
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const output = new PassThrough();
    container.modem.demuxStream(stream, output, output);
    let partial = "";
    const emit = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      run.onLine(line);
    };
    output.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split(/\r?\n/);
      partial = lines.pop() ?? "";
      for (const line of lines) emit(line);
    });
    const ended = new Promise<void>((resolve) => stream.on("end", resolve));
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    // The last output may still be in flight when wait answers.
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000))]);
    if (partial) emit(partial);
    return { exitCode: StatusCode, tail };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
