import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The agent's channel on a Unix socket (emulator/agent/PROTOCOL.md, "The socket channel"), for an
 * engine that shares this machine's kernel and files. On the attach stream every frame is relayed
 * by dockerd and containerd-shim (two processes, four more socket hops each way); on the socket
 * the agent and the emulator talk directly.
 *
 * Who may connect: the socket is in a folder of its own per instance, inside a folder only this
 * process's user may enter (0700), and that folder alone is bind-mounted (read-only) into that
 * instance's container, so another function's container has no path to it. When the emulator is
 * root the instance's folder and socket belong to the instance's own uid (0700 / 0600), so no other
 * local user but root reaches them either. The first bytes on a connection must be the instance's
 * secret (SECRET_HEX_LENGTH hex digits, passed in the container's environment and wiped from it by
 * the agent), else it is closed; one connection is accepted, then the socket is removed and the
 * listener closed. Node cannot read a Unix socket's peer credentials (SO_PEERCRED), so the secret
 * and the file permissions are the check.
 */

/** Where an instance's socket folder appears inside its container. */
export const AGENT_SOCKET_CONTAINER_DIR = "/opt/faasbox/channel";
const SOCKET_NAME = "agent.sock";
export const AGENT_SOCKET_CONTAINER_PATH = `${AGENT_SOCKET_CONTAINER_DIR}/${SOCKET_NAME}`;
const RUNTIME_SOCKET_NAME = "runtime.sock";
/**
 * Where Faasbox's own shims reach the Runtime API directly (FAASBOX_RUNTIME_API_SOCKET): the
 * agent then relays nothing of a warm invocation, two process hops fewer each way (issue 21).
 */
export const RUNTIME_SOCKET_CONTAINER_PATH = `${AGENT_SOCKET_CONTAINER_DIR}/${RUNTIME_SOCKET_NAME}`;
/** The secret is 32 random bytes as 64 hex digits (the agent's SECRET_LEN). */
export const SECRET_HEX_LENGTH = 64;

export interface AgentSocketOwner {
  uid: number;
  gid: number;
}

export interface AgentSocketListener {
  /** The instance's folder on the host: bind-mount it at AGENT_SOCKET_CONTAINER_DIR. */
  readonly hostDir: string;
  /** The container's environment that points the agent (and the shims, for the Runtime API) at the sockets. */
  readonly env: { FAASBOX_AGENT_SOCKET: string; FAASBOX_AGENT_SECRET: string; FAASBOX_RUNTIME_API_SOCKET?: string };
  /**
   * The agent's connection once it proved itself (its secret read off it: frames follow); rejects
   * when the listener is closed first.
   */
  readonly accepted: Promise<Socket>;
  /** Stops listening and removes the instance's folder (an accepted connection stays open). */
  close(): void;
}

/** The folder that holds every instance's socket folder of this process: made once, 0700. */
let baseDir: string | undefined;
const BASE_PREFIX = "faasbox-ch-";
function socketsBase(): string {
  if (!baseDir) {
    removeDeadProcessesSockets();
    // mkdtemp makes it 0700 and fails rather than reuse a name someone else made first. Short: a
    // socket's path is at most 107 bytes. The pid in the name lets a later emulator remove it.
    baseDir = mkdtempSync(join(tmpdir(), `${BASE_PREFIX}${process.pid}-`));
  }
  return baseDir;
}

/**
 * The folders an emulator killed before its close() left (their sockets are gone with it, the
 * folders are not): ours (same uid) whose process no longer runs.
 */
function removeDeadProcessesSockets(): void {
  const uid = process.getuid?.();
  let entries: string[];
  try {
    entries = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = /^faasbox-ch-(\d+)-/.exec(entry)?.[1];
    if (!pid || Number(pid) === process.pid || alive(Number(pid))) continue;
    const path = join(tmpdir(), entry);
    try {
      if (lstatSync(path).uid === uid && lstatSync(path).isDirectory()) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // someone else's process: it runs
  }
}

/** Removes this process's socket folders (at exit: the instances' own are removed as they go). */
export function removeAgentSockets(): void {
  if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  baseDir = undefined;
}

/**
 * Listens on a new socket for one instance's agent. `owner` is the instance's user: when this
 * process is root, the folder and the socket become that user's alone.
 *
 * With `onRuntimeConnection`, a second socket beside it (RUNTIME_SOCKET_CONTAINER_PATH) takes the
 * Runtime API connections of the instance's runtime for as long as the instance lives, each handed
 * over as it comes. Who reaches it is who reaches the folder: the processes of that one container
 * and, on this machine, the instance's user (or ours) — the same callers the agent admits on
 * 127.0.0.1:9001 (its uid check), so the socket needs no secret of its own.
 */
export async function listenForAgent(instanceId: string, owner: AgentSocketOwner, onRuntimeConnection?: (connection: Socket) => void): Promise<AgentSocketListener> {
  const hostDir = join(socketsBase(), `${instanceId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 24)}-${randomBytes(4).toString("hex")}`);
  mkdirSync(hostDir, { mode: 0o700 });
  const root = process.getuid?.() === 0;
  // Not root: the container's user is not ours, so it needs to cross the folder (x) and write the
  // socket; the parent folder (0700, ours) keeps every other local user out.
  if (root) chownSync(hostDir, owner.uid, owner.gid);
  else chmodSync(hostDir, 0o711);
  const path = join(hostDir, SOCKET_NAME);
  const secret = randomBytes(SECRET_HEX_LENGTH / 2).toString("hex");
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
  let settle!: { resolve(socket: Socket): void; reject(error: Error): void };
  const accepted = new Promise<Socket>((resolve, reject) => (settle = { resolve, reject }));
  accepted.catch(() => undefined); // a launch that failed before asking is not an unhandled rejection
  let done = false;
  let runtimeServer: Server | undefined;
  const close = (): void => {
    if (!done) settle.reject(new Error("the agent's socket was closed before the agent connected"));
    done = true;
    server.close();
    runtimeServer?.close();
    rmSync(hostDir, { recursive: true, force: true });
  };
  server.on("connection", (socket) => {
    if (done) return void socket.destroy();
    void readSecret(socket, secret).then((ok) => {
      if (!ok || done) return void socket.destroy();
      done = true;
      // One agent per instance: nothing else may connect from now on.
      server.close();
      rmSync(path, { force: true });
      settle.resolve(socket);
    });
  });
  const env: AgentSocketListener["env"] = { FAASBOX_AGENT_SOCKET: AGENT_SOCKET_CONTAINER_PATH, FAASBOX_AGENT_SECRET: secret };
  try {
    await listenOn(server, path, owner, root);
    if (onRuntimeConnection) {
      runtimeServer = createServer({ allowHalfOpen: true }, onRuntimeConnection);
      await listenOn(runtimeServer, join(hostDir, RUNTIME_SOCKET_NAME), owner, root);
      env.FAASBOX_RUNTIME_API_SOCKET = RUNTIME_SOCKET_CONTAINER_PATH;
    }
  } catch (error) {
    close();
    throw error;
  }
  return { hostDir, env, accepted, close };
}

/** Listens on the socket `path`, made the instance user's alone when we are root (else ours in a folder no one else enters). */
async function listenOn(server: Server, path: string, owner: AgentSocketOwner, root: boolean): Promise<void> {
  server.on("error", () => undefined); // after listen, an accept error only loses that caller
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
  if (root) chownSync(path, owner.uid, owner.gid);
  chmodSync(path, root ? 0o600 : 0o666);
}

/**
 * True when the first SECRET_HEX_LENGTH bytes on `socket` are `secret`; what came after them is
 * put back for the channel, and the socket is left paused.
 */
function readSecret(socket: Socket, secret: string): Promise<boolean> {
  const expected = Buffer.from(secret, "ascii");
  return new Promise((resolve) => {
    let got: Buffer = Buffer.alloc(0);
    const finish = (ok: boolean) => {
      socket.off("data", onData);
      socket.off("end", fail);
      socket.off("error", fail);
      socket.off("close", fail);
      resolve(ok);
    };
    const fail = () => finish(false);
    const onData = (chunk: Buffer) => {
      got = got.length ? Buffer.concat([got, chunk]) : chunk;
      if (got.length < expected.length) return;
      socket.pause();
      const ok = timingSafeEqual(got.subarray(0, expected.length), expected);
      if (ok && got.length > expected.length) socket.unshift(got.subarray(expected.length));
      finish(ok);
    };
    socket.on("data", onData);
    socket.once("end", fail);
    socket.once("error", fail);
    socket.once("close", fail);
    socket.resume();
  });
}

/** Where the agent's channel runs: the engine's attach stream, or a Unix socket (see agentChannelKind). */
export type AgentChannelKind = "socket" | "attach";

export interface ChannelKindInputs {
  /** FAASBOX_AGENT_CHANNEL: socket, attach or auto (default). */
  setting?: string;
  /** The engine is reached on a Unix socket of this machine (EngineTarget.transport/local). */
  localUnixEngine: boolean;
  /** Docker Desktop (its engine runs in a VM: a socket in a shared folder does not cross into it). */
  dockerDesktop: boolean;
  platform?: NodeJS.Platform;
}

/**
 * The socket needs an engine on this machine's kernel that sees its files: a local Linux engine
 * (rootful, rootless, Podman). Docker Desktop and remote engines keep the attach stream; so does
 * an instance whose code is copied in (DockerExecutor checks that per launch).
 */
export function agentChannelKind(inputs: ChannelKindInputs): AgentChannelKind {
  const setting = (inputs.setting ?? "auto").trim().toLowerCase() || "auto";
  if (setting !== "auto" && setting !== "socket" && setting !== "attach") {
    throw new Error(`FAASBOX_AGENT_CHANNEL=${inputs.setting}: expected socket, attach or auto`);
  }
  const possible = (inputs.platform ?? process.platform) === "linux" && inputs.localUnixEngine && !inputs.dockerDesktop;
  if (setting === "attach" || !possible) return "attach";
  return "socket";
}
