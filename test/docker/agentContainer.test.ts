// The in-container agent (emulator/agent/agent.c) as a container's entrypoint, PID 1, spoken
// to over the container's attach stream as the Docker executor holds it: no network (the
// Runtime API goes through the agent), a non-root user and a read-only root file system.
// The frames are read and written with a codec of this file's own (emulator/agent/PROTOCOL.md).
import { afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { join } from "node:path";
import type Docker from "dockerode";
import { resolveImages } from "../../emulator/config/images";
import { requireDocker } from "../helpers/docker";
import { REPO_ROOT } from "../helpers/paths";

const T = { HELLO: 1, OPEN: 2, DATA: 3, END: 4, RESET: 5, STDOUT: 6, STDERR: 7, EXIT: 8 } as const;
const AGENT_DIR = "/opt/faasbox/agent";
const TEST_LABEL = "dev.faasbox.test";

interface Frame {
  type: number;
  stream: number;
  payload: Buffer;
}

function encode(type: number, stream: number, payload: string = ""): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(9);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(stream, 1);
  header.writeUInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

/** A hijacked attach connection: a socket. */
type Attached = NodeJS.ReadWriteStream & { destroy(): void };

/** One container running the agent, attached to as the Docker executor attaches. */
class AgentContainer {
  readonly frames: Frame[] = [];
  stderr = "";
  private pending: Buffer = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();

  private constructor(readonly container: Docker.Container, readonly attached: Attached) {}

  static async start(docker: Docker, runtime: string[]): Promise<AgentContainer> {
    const arch = ((await docker.info()) as { Architecture?: string }).Architecture === "aarch64" ? "arm64" : "amd64";
    const container = await docker.createContainer({
      Image: resolveImages().nodejs.image,
      Entrypoint: [`${AGENT_DIR}/faasbox-agent-${arch}`],
      Cmd: runtime,
      User: "4321:4321",
      Labels: { [TEST_LABEL]: "agentContainer" },
      // The lease: stdin stays open while we are attached, and closes for good when we go.
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: {
        NetworkMode: "none",
        Binds: [`${join(REPO_ROOT, "dist", "agent")}:${AGENT_DIR}:ro`],
        ReadonlyRootfs: true,
        Tmpfs: { "/tmp": "rw,size=16m" },
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        PidsLimit: 64,
      },
    });
    created.push(container);
    const attached = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Attached;
    const session = new AgentContainer(container, attached);
    // Tty false: the engine multiplexes stdout and stderr with 8-byte headers; frames are on stdout.
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on("data", (chunk: Buffer) => session.take(chunk));
    stderr.on("data", (chunk: Buffer) => (session.stderr += chunk.toString()));
    docker.modem.demuxStream(attached, stdout, stderr);
    attached.on("error", () => undefined);
    await container.start();
    return session;
  }

  private take(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 9) {
      const length = this.pending.readUInt32BE(5);
      if (this.pending.length < 9 + length) break;
      this.frames.push({ type: this.pending[0], stream: this.pending.readUInt32BE(1), payload: this.pending.subarray(9, 9 + length) });
      this.pending = this.pending.subarray(9 + length);
    }
    for (const waiter of [...this.waiters]) waiter();
  }

  send(type: number, stream: number, payload?: string): void {
    this.attached.write(encode(type, stream, payload));
  }

  text(type: number, stream?: number): string {
    return Buffer.concat(this.frames.filter((f) => f.type === type && (stream === undefined || f.stream === stream)).map((f) => f.payload)).toString();
  }

  describe(): string {
    return this.frames.map((f) => `${f.type}(${f.stream}, ${f.payload.length}b)`).join(" ");
  }

  waitFor<V>(what: string, check: () => V | undefined, ms = 20_000): Promise<V> {
    return new Promise((resolve, reject) => {
      const listener = () => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(listener);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(listener);
        reject(new Error(`no ${what} within ${ms} ms; frames: ${this.describe()}; stderr: ${this.stderr}`));
      }, ms);
      this.waiters.add(listener);
      listener();
    });
  }

  /** The container's exit status, within `ms`. */
  async stopped(ms = 20_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        (this.container.wait() as Promise<{ StatusCode: number }>).then((r) => r.StatusCode),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the container did not stop within ${ms} ms; frames: ${this.describe()}; stderr: ${this.stderr}`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const created: Docker.Container[] = [];

describe("faasbox-agent as a container's entrypoint", () => {
  let docker: Docker;

  before(async () => {
    docker = await requireDocker();
    const build = spawnSync("bash", [join(REPO_ROOT, "scripts", "build-agent.sh")], { encoding: "utf8" });
    assert.equal(build.status, 0, `scripts/build-agent.sh failed:\n${build.stderr}`);
  });

  afterEach(async () => {
    await Promise.all(created.splice(0).map((c) => c.remove({ force: true }).catch(() => undefined)));
  });

  test("HELLO, a Runtime API connection relayed as a stream, STDOUT; as PID 1 it reaps orphans; closing the attach stream stops the container", async () => {
    // The runtime: leaves an orphan that exits (PID 1 must reap it), calls the Runtime API on
    // 127.0.0.1:9001 (the container has no network at all), prints the answer and waits.
    const session = await AgentContainer.start(docker, ["node", "-e", `
      const { spawn } = require("child_process");
      spawn("sh", ["-c", "sleep 0.2 &"], { stdio: "ignore" });
      const zombies = () => require("fs").readdirSync("/proc").filter((p) => /^\\d+$/.test(p)).filter((p) => {
        try { const s = require("fs").readFileSync("/proc/" + p + "/stat", "utf8"); return s[s.lastIndexOf(")") + 2] === "Z"; } catch { return false; }
      }).length;
      const socket = require("net").connect(9001, "127.0.0.1", () => socket.write("GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\n\\r\\n"));
      let answer = "";
      socket.on("data", (d) => (answer += d));
      socket.on("end", () => {
        socket.end();
        setTimeout(() => console.log(JSON.stringify({ pid: process.pid, uid: process.getuid(), answer, zombies: zombies() })), 500);
      });
      setInterval(() => {}, 1000);
    `]);
    const hello = await session.waitFor("HELLO", () => session.frames[0]);
    assert.equal(hello.type, T.HELLO, `the first frame is HELLO: ${session.describe()}`);
    const { version, pid } = JSON.parse(hello.payload.toString()) as { version: number; pid: number };
    assert.equal(version, 1);
    assert.ok(pid > 1, "the runtime is not PID 1: the agent is");
    const open = await session.waitFor("OPEN", () => session.frames.find((f) => f.type === T.OPEN));
    assert.equal(open.stream, 1);
    await session.waitFor("the request", () => (session.text(T.DATA, 1).includes("\r\n\r\n") ? true : undefined));
    assert.match(session.text(T.DATA, 1), /^GET \/2018-06-01\/runtime\/invocation\/next HTTP\/1.1\r\n/);
    const response = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
    session.send(T.DATA, 1, response);
    session.send(T.END, 1);
    const line = await session.waitFor("the runtime's report", () => session.text(T.STDOUT).match(/^(\{.*\})\n/)?.[1]);
    const report = JSON.parse(line) as { pid: number; uid: number; answer: string; zombies: number };
    assert.equal(report.answer, response);
    assert.equal(report.pid, pid);
    assert.equal(report.uid, 4321, "the runtime runs as the container's non-root user");
    assert.equal(report.zombies, 0, "the agent, PID 1, reaped the runtime's orphan");
    assert.ok(session.frames.some((f) => f.type === T.END && f.stream === 1), "the runtime's END of stream 1");

    // The emulator lets go: the engine closes the container's stdin, the agent kills the runtime.
    session.attached.end();
    assert.equal(await session.stopped(), 137, "killed by its lease");
    assert.equal(session.stderr, "", "the agent had nothing to complain about");
  });

  test("SIGTERM from the engine reaches the runtime through PID 1; EXIT, then the container stops", async () => {
    const session = await AgentContainer.start(docker, ["node", "-e", "process.on('SIGTERM', () => { console.log('bye'); process.exit(3) }); console.log('up'); setInterval(() => {}, 1000)"]);
    await session.waitFor("up", () => (session.text(T.STDOUT) === "up\n" ? true : undefined));
    await session.container.kill({ signal: "SIGTERM" });
    const exit = await session.waitFor("EXIT", () => session.frames.find((f) => f.type === T.EXIT));
    assert.deepEqual(JSON.parse(exit.payload.toString()), { code: 3 });
    assert.equal(session.text(T.STDOUT), "up\nbye\n");
    assert.equal(await session.stopped(), 0);
  });

  test("an attach connection that breaks (the emulator died) stops the container", async () => {
    const session = await AgentContainer.start(docker, ["sleep", "300"]);
    await session.waitFor("HELLO", () => session.frames.find((f) => f.type === T.HELLO));
    session.attached.destroy();
    assert.equal(await session.stopped(), 137, "killed by its lease");
    const containers = await docker.listContainers({ filters: { label: [`${TEST_LABEL}=agentContainer`], status: ["running"] } });
    assert.deepEqual(containers.map((c) => c.Id).filter((id) => id === session.container.id), []);
  });
});
