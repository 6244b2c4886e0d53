// A Docker engine of a test's own (see /work/shared/notes/machine-setup.md, section 5): for
// tests that stop or restart an engine, or need one that shares nothing with the emulator.
// The shared engine at /var/run/docker.sock belongs to every other test: this helper never
// stops, restarts or reconfigures it, and only reads an image from it (`docker save`).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { clientFor, connectDocker, pingEngine, resolveEngineTarget } from "../../emulator/core/docker/engine";

export interface PrivateEngine {
  /** `tcp://127.0.0.1:PORT`: for Engine.create({ dockerHost }) or DOCKER_HOST. */
  readonly host: string;
  /** A client of this engine (never of the shared one). */
  readonly docker: Docker;
  /** The temporary folder with its data root, exec root, pid file and log. */
  readonly dir: string;
  /** With `tls`: the folders of its certificates (made by startPrivateEngine with openssl). */
  readonly tls?: TlsMaterial;
  /**
   * With `isolatedFiles`: the engine's mount namespace (`mnt:[INODE]`, as /proc/PID/ns/mnt
   * reads) while it runs, so a test can check that nothing is left in it after dispose().
   */
  readonly mountNamespace?: string;
  /** What a client needs in its environment to reach it: DOCKER_HOST, and with TLS DOCKER_TLS_VERIFY and DOCKER_CERT_PATH. */
  readonly clientEnv: Record<string, string>;
  /** Whether its dockerd runs (started and not yet seen exiting). */
  readonly running: boolean;
  /** Starts dockerd (again, on the same data root after stop()); resolves once it answers. */
  start(): Promise<void>;
  /** SIGTERM to dockerd, as a service manager stops it; resolves once it has exited. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGSTOP to dockerd: it hangs, answering nothing (its containers keep running); resume() undoes it. */
  pause(): void;
  resume(): void;
  /** Copies `image` from the shared engine (read only there) into this one. */
  loadImage(image: string): Promise<void>;
  /** The engine's log so far, for a failure message. */
  log(): string;
  /** Stops it whatever its state, unmounts what it left and removes its folder; never throws. */
  dispose(): Promise<void>;
}

/** Certificates for a TLS engine on 127.0.0.1, as `openssl` made them. */
export interface TlsMaterial {
  /** ca.pem, cert.pem and key.pem of a client the engine admits: a DOCKER_CERT_PATH. */
  clientDir: string;
  /** The CA (ca.pem, ca-key.pem) and the engine's own server-cert.pem and server-key.pem. */
  serverDir: string;
}

/**
 * A CA, a server certificate for IP:127.0.0.1 and a client certificate, all signed by that CA
 * and valid for a day (EC P-256 keys: a few hundred ms in all). Needs `openssl`.
 */
export function makeTlsMaterial(dir: string): TlsMaterial {
  const serverDir = join(dir, "server");
  const clientDir = join(dir, "client");
  mkdirSync(serverDir, { recursive: true });
  mkdirSync(clientDir, { recursive: true });
  const ssl = (args: string[], cwd = serverDir) => {
    const run = spawnSync("openssl", args, { cwd, encoding: "utf8" });
    if (run.error || run.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${run.error?.message ?? run.stderr}`);
  };
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ssl(["req", "-x509", ...key, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Faasbox test CA"]);
  ssl(["req", "-new", ...key, "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  writeFileSync(join(serverDir, "server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  ssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-days", "1", "-extfile", "server.ext", "-out", "server-cert.pem"]);
  ssl(["req", "-new", ...key, "-keyout", join(clientDir, "key.pem"), "-out", "client.csr", "-subj", "/CN=faasbox test client"]);
  writeFileSync(join(serverDir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  ssl(["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-days", "1", "-extfile", "client.ext", "-out", join(clientDir, "cert.pem")]);
  copyFileSync(join(serverDir, "ca.pem"), join(clientDir, "ca.pem"));
  return { clientDir, serverDir };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PrivateEngineOptions {
  startTimeoutMs?: number;
  /**
   * Only TLS clients with a certificate of its own CA (dockerd --tlsverify): certificates are
   * made with openssl into the engine's folder (see `tls` and `clientEnv`).
   */
  tls?: boolean;
  /**
   * An engine that does not share this machine's files, as a remote one: dockerd runs in a
   * mount namespace of its own (`unshare --mount --propagation private`) with an empty tmpfs
   * on /tmp, so folders a test makes under /tmp (copies of fixtures) do not exist for it. Its
   * own folder is then under /var/tmp (which it still sees). Needs root and util-linux unshare.
   * The namespace, its tmpfs and its containers' mounts go when its last process exits.
   */
  isolatedFiles?: boolean;
}

/** The mount namespace of a process (`mnt:[INODE]`), undefined when it is gone or not readable. */
function mountNamespaceOf(pid: number | string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/**
 * A private dockerd on a free 127.0.0.1 TCP port, with its own data and exec roots in a temp
 * folder, no bridge and no iptables rules: its containers run with host networking and only
 * loopback traffic. Started before it resolves; the caller must call dispose() (in `after`).
 */
export async function startPrivateEngine(options: PrivateEngineOptions = {}): Promise<PrivateEngine> {
  // An isolated engine sees nothing of /tmp: its roots must be elsewhere.
  const dir = options.isolatedFiles ? mkdtempSync("/var/tmp/faasbox-engine-") : mkdtempSync(join(tmpdir(), "faasbox-dockerd-"));
  if (options.isolatedFiles) chmodSync(dir, 0o700);
  let tls: TlsMaterial | undefined;
  try {
    tls = options.tls ? makeTlsMaterial(join(dir, "certs")) : undefined;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freeLoopbackPort();
  const host = `tcp://127.0.0.1:${port}`;
  const clientEnv: Record<string, string> = tls ? { DOCKER_HOST: host, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: tls.clientDir } : { DOCKER_HOST: host };
  // A plain engine's client ignores the environment's TLS settings; a TLS one's uses exactly its own.
  const docker = tls ? clientFor(resolveEngineTarget({ env: clientEnv })) : connectDocker(host, {});
  const serverTls = tls
    ? ["--tlsverify", "--tlscacert", join(tls.serverDir, "ca.pem"), "--tlscert", join(tls.serverDir, "server-cert.pem"), "--tlskey", join(tls.serverDir, "server-key.pem")]
    : [];
  const logFile = join(dir, "log");
  const configFile = join(dir, "daemon.json");
  // Its own (empty) configuration: whatever /etc/docker/daemon.json says is the shared engine's.
  writeFileSync(configFile, "{}\n");
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let mountNamespace: string | undefined;

  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const engine: PrivateEngine = {
    host,
    docker,
    dir,
    tls,
    clientEnv,
    get mountNamespace() {
      return mountNamespace;
    },
    get running() {
      return alive();
    },

    async start() {
      if (alive()) return;
      const out = openSync(logFile, "a");
      const dockerdArgs = [
        "--host", host,
        "--config-file", configFile,
        "--data-root", join(dir, "data"),
        "--exec-root", join(dir, "exec"),
        "--pidfile", join(dir, "pid"),
        "--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
        ...serverTls,
      ];
      // Isolated: unshare and sh exec in place, so the child's PID is dockerd's and signals reach it.
      child = options.isolatedFiles
        ? spawn(
            "unshare",
            ["--mount", "--propagation", "private", "sh", "-c", 'mount -t tmpfs -o size=64m,mode=1777 faasbox-engine-tmp /tmp && exec dockerd "$@"', "sh", ...dockerdArgs],
            { stdio: ["ignore", out, out] },
          )
        : spawn("dockerd", dockerdArgs, { stdio: ["ignore", out, out] });
      closeSync(out);
      const proc = child;
      exited = new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        proc.once("error", () => resolve());
      });
      const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
      for (;;) {
        if (!alive()) throw new Error(`the private dockerd exited while starting:\n${engine.log()}`);
        let answered = false;
        try {
          await pingEngine(docker, 1000);
          answered = true;
        } catch {
          if (Date.now() > deadline) throw new Error(`the private dockerd at ${host} did not answer within ${options.startTimeoutMs ?? 30_000} ms:\n${engine.log()}`);
          await sleep(100);
        }
        if (answered) {
          if (options.isolatedFiles) {
            mountNamespace = mountNamespaceOf(proc.pid!);
            if (!mountNamespace || mountNamespace === mountNamespaceOf("self")) throw new Error(`the private dockerd does not run in a mount namespace of its own:\n${engine.log()}`);
          }
          return;
        }
      }
    },

    pause() {
      if (alive()) child!.kill("SIGSTOP");
    },

    resume() {
      if (alive()) child!.kill("SIGCONT");
    },

    async stop(timeoutMs = 30_000) {
      if (!alive()) return;
      const proc = child!;
      proc.kill("SIGCONT"); // a paused dockerd could not act on SIGTERM
      proc.kill("SIGTERM");
      // The deadline's timer is cleared once dockerd exits: left running, it kept the test process alive for timeoutMs.
      let deadline: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => (deadline = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(deadline);
      if (!stopped) {
        proc.kill("SIGKILL");
        await exited;
      }
    },

    async loadImage(image: string) {
      // `docker save` reads the shared engine (DOCKER_HOST unset there); `docker load` writes this one.
      const env = { ...process.env };
      for (const name of ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"]) delete env[name];
      const load = Object.entries(clientEnv).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(" ");
      const loaded = spawn("bash", ["-c", `set -o pipefail; docker save "$1" | ${load} docker load -q`, "bash", image], {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      loaded.stdout!.on("data", (d) => (output += d));
      loaded.stderr!.on("data", (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => loaded.once("exit", resolve));
      if (code !== 0) throw new Error(`loading ${image} into the private engine failed (${code}): ${output}`);
      await docker.getImage(image).inspect();
    },

    log() {
      try {
        return readFileSync(logFile, "utf8").split("\n").slice(-40).join("\n");
      } catch {
        return "";
      }
    },

    async dispose() {
      try {
        await engine.stop(20_000);
      } catch {
        // stopped as far as it goes: what is left is killed below
      }
      killProcessesUnder(dir);
      if (mountNamespace) await killProcessesIn(mountNamespace);
      unmountUnder(dir);
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // a mount that would not go: leave the folder rather than fail the test's clean-up
      }
    },
  };

  try {
    await engine.start();
  } catch (error) {
    await engine.dispose();
    throw error;
  }
  return engine;
}

/**
 * Its containerd and shims, should dockerd have died without stopping them: only processes
 * whose command line names this engine's own temp folder, one by one by PID.
 */
function killProcessesUnder(dir: string): void {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      if (cmdline.includes(dir)) process.kill(Number(entry), "SIGKILL");
    } catch {
      // gone, or not ours to read
    }
  }
}

/** Whatever still runs in an isolated engine's mount namespace, one by one by PID: the namespace goes with its last process. */
async function killProcessesIn(namespace: string): Promise<void> {
  const inNamespace = () => readdirSync("/proc").filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid && mountNamespaceOf(entry) === namespace);
  for (const entry of inNamespace()) {
    try {
      process.kill(Number(entry), "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  // A killed process lingers until the kernel has torn it down (longer on a loaded machine): wait for that.
  for (let waited = 0; waited < 10_000 && inNamespace().length > 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Unmounts whatever is still mounted under `dir` (exec/netns/default at least), deepest first. */
function unmountUnder(dir: string): void {
  const mountPoints = (): string[] =>
    readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .map((line) => line.split(" ")[1]?.replace(/\\040/g, " "))
      .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
      .sort((a, b) => b.length - a.length);
  for (const point of mountPoints()) spawnSync("umount", [point], { stdio: "ignore" });
  for (const point of mountPoints()) spawnSync("umount", ["-l", point], { stdio: "ignore" });
  const netns = join(dir, "exec", "netns", "default");
  if (existsSync(netns)) spawnSync("umount", [netns], { stdio: "ignore" });
}
