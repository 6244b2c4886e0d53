// The in-container agent (emulator/agent/agent.c) run as a local process, speaking its frame
// protocol (emulator/agent/PROTOCOL.md) over its stdin and stdout with a codec of this file's
// own: the contract is checked against the binary, not against the product's Node codec.
// The arm64 build runs the same way under qemu-user.
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, type Hash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "../../helpers/paths";

const AGENT_AMD64 = join(REPO_ROOT, "dist", "agent", "faasbox-agent-amd64");
const AGENT_ARM64 = join(REPO_ROOT, "dist", "agent", "faasbox-agent-arm64");
const QEMU = "qemu-aarch64-static";

// ---- the codec: type u8, stream u32 BE, length u32 BE, payload ----

const T = { HELLO: 1, OPEN: 2, DATA: 3, END: 4, RESET: 5, STDOUT: 6, STDERR: 7, EXIT: 8 } as const;
const NAMES = Object.fromEntries(Object.entries(T).map(([name, type]) => [type, name])) as Record<number, string>;
const MIB = 1024 * 1024;

interface Frame {
  type: number;
  stream: number;
  payload: Buffer;
}

function encode(type: number, stream: number, payload: Buffer | string = Buffer.alloc(0), length?: number): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(9);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(stream, 1);
  header.writeUInt32BE(length ?? body.length, 5);
  return Buffer.concat([header, body]);
}

/** Frames out of a byte stream cut anywhere. */
class Decoder {
  private pending: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    let pos = 0;
    while (this.pending.length - pos >= 9) {
      const length = this.pending.readUInt32BE(pos + 5);
      if (this.pending.length - pos < 9 + length) break;
      frames.push({ type: this.pending[pos], stream: this.pending.readUInt32BE(pos + 1), payload: this.pending.subarray(pos + 9, pos + 9 + length) });
      pos += 9 + length;
    }
    this.pending = this.pending.subarray(pos);
    return frames;
  }
  get leftover(): number {
    return this.pending.length;
  }
}

// ---- an agent under test ----

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<Agent>();

class Agent {
  readonly child: ChildProcess;
  readonly frames: Frame[] = [];
  /** Bytes per stream from DATA frames, and the streams that got END or RESET (with its reason). */
  readonly data = new Map<number, Buffer[]>();
  readonly ended = new Set<number>();
  readonly resets = new Map<number, string>();
  stderr = "";
  exitedWith?: Ended;
  readonly exited: Promise<Ended>;
  /** Called for every frame as it arrives (after the maps above are updated). */
  onFrame?: (frame: Frame) => void;
  private readonly decoder = new Decoder();
  private readonly waiters = new Set<() => void>();

  constructor(readonly port: number, runtime: string[], options: { qemu?: boolean; env?: NodeJS.ProcessEnv } = {}) {
    const [command, args] = options.qemu ? [QEMU, [AGENT_ARM64, ...runtime]] : [AGENT_AMD64, runtime];
    this.child = spawn(command, args, { env: { ...process.env, ...options.env, FAASBOX_AGENT_API_PORT: String(port) }, stdio: "pipe" });
    running.add(this);
    this.child.stdin!.on("error", () => undefined); // EPIPE once the agent is gone
    this.child.stdout!.on("data", (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.take(frame);
    });
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once("close", (code, signal) => {
        this.exitedWith = { code, signal };
        running.delete(this);
        this.wake();
        resolve(this.exitedWith);
      }),
    );
  }

  private take(frame: Frame): void {
    this.frames.push(frame);
    if (frame.type === T.DATA) {
      let chunks = this.data.get(frame.stream);
      if (!chunks) this.data.set(frame.stream, (chunks = []));
      chunks.push(frame.payload);
    } else if (frame.type === T.END) this.ended.add(frame.stream);
    else if (frame.type === T.RESET) this.resets.set(frame.stream, frame.payload.toString());
    this.onFrame?.(frame);
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  send(type: number, stream: number, payload?: Buffer | string): void {
    this.child.stdin!.write(encode(type, stream, payload));
  }

  /** The emulator lets go: end of the agent's stdin. */
  release(): void {
    this.child.stdin!.end();
  }

  text(type: number): string {
    return Buffer.concat(this.frames.filter((f) => f.type === type).map((f) => f.payload)).toString();
  }

  bytes(stream: number): Buffer {
    return Buffer.concat(this.data.get(stream) ?? []);
  }

  get hello(): { version: number; pid: number } {
    assert.equal(this.frames[0]?.type, T.HELLO, `the first frame is HELLO (frames: ${this.describe()})`);
    return JSON.parse(this.frames[0].payload.toString());
  }

  get exit(): Record<string, unknown> | undefined {
    const frame = this.frames.find((f) => f.type === T.EXIT);
    return frame && JSON.parse(frame.payload.toString());
  }

  describe(): string {
    return this.frames.slice(0, 40).map((f) => `${NAMES[f.type] ?? f.type}(${f.stream}, ${f.payload.length}b)`).join(" ") + (this.frames.length > 40 ? ` … ${this.frames.length} frames` : "");
  }

  /** Resolves with check()'s first defined answer, re-checked at every frame and at exit. */
  waitFor<V>(what: string, check: () => V | undefined, ms = 15_000): Promise<V> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(listener);
      };
      const listener = () => {
        let value: V | undefined;
        try {
          value = check();
        } catch (error) {
          done();
          reject(error as Error);
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.exitedWith) {
          done();
          reject(new Error(`the agent exited (${JSON.stringify(this.exitedWith)}) before ${what}; frames: ${this.describe()}; stderr: ${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${ms} ms; frames: ${this.describe()}; stderr: ${this.stderr}`));
      }, ms);
      this.waiters.add(listener);
      listener();
    });
  }

  frame(what: string, match: (f: Frame) => boolean, ms?: number): Promise<Frame> {
    return this.waitFor(what, () => this.frames.find(match), ms);
  }

  /** The agent's end, within `ms`. */
  async ends(ms = 10_000): Promise<Ended> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the agent did not exit within ${ms} ms; frames: ${this.describe()}; stderr: ${this.stderr}`)), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What the test left running: released (the agent then kills its runtime), then killed. */
async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (agent) => {
      agent.release();
      const timer = setTimeout(() => agent.child.kill("SIGKILL"), 3000);
      await agent.exited;
      clearTimeout(timer);
    }),
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Running, not a zombie: /proc/PID/stat's state is the field after the command in parentheses. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !["Z", "X"].includes(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 3000): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 20))) {
    if (!isRunning(pid)) return true;
  }
  return false;
}

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** A runtime in Node: `node -e SCRIPT`. */
const node = (script: string) => [process.execPath, "-e", script];

/** Builds the binaries when their sources changed (scripts/build-agent.sh says what is missing when it cannot). */
function buildAgent(): void {
  const build = spawnSync("bash", [join(REPO_ROOT, "scripts", "build-agent.sh")], { encoding: "utf8" });
  assert.equal(build.status, 0, `scripts/build-agent.sh failed:\n${build.stderr}`);
}

before(buildAgent);
afterEach(stopAll);
after(stopAll);

describe("faasbox-agent (amd64, local process)", () => {
  test("the binaries are static Linux executables for their architecture, under 1 MB", () => {
    for (const [file, machine] of [[AGENT_AMD64, 0x3e], [AGENT_ARM64, 0xb7]] as const) {
      const header = readFileSync(file).subarray(0, 20);
      assert.equal(header.subarray(0, 4).toString("latin1"), "\x7fELF", file);
      assert.equal(header.readUInt16LE(18), machine, `${file}: ELF machine`);
      assert.ok(statSync(file).size < MIB, `${file} is ${statSync(file).size} bytes`);
      assert.ok(!readFileSync(file).includes("/ld-linux"), `${file} names no dynamic loader: it is static`);
    }
  });

  test("HELLO comes first; the runtime's stdout and stderr arrive as STDOUT and STDERR frames, then EXIT with its code", async () => {
    const agent = new Agent(await freePort(), ["sh", "-c", "echo out; echo err >&2; echo more; exit 3"]);
    const ended = await agent.ends();
    assert.deepEqual(ended, { code: 0, signal: null }, "the agent itself exits 0 after EXIT");
    const hello = agent.hello;
    assert.equal(hello.version, 1);
    assert.ok(Number.isInteger(hello.pid) && hello.pid > 1, `HELLO carries the runtime's pid: ${JSON.stringify(hello)}`);
    assert.equal(agent.text(T.STDOUT), "out\nmore\n");
    assert.equal(agent.text(T.STDERR), "err\n");
    assert.equal(agent.frames.at(-1)?.type, T.EXIT, `EXIT is the last frame: ${agent.describe()}`);
    assert.deepEqual(agent.exit, { code: 3 });
    assert.ok(agent.frames.every((f) => f.stream === 0), "output frames are about no stream");
  });

  test("all of a large output written just before the runtime ends arrives before EXIT, in frames of at most 64 KiB", async () => {
    const agent = new Agent(await freePort(), node("process.stdout.write(Buffer.alloc(3e6, 'x')); process.stderr.write('bye')"));
    await agent.ends();
    assert.equal(agent.text(T.STDOUT).length, 3e6);
    assert.equal(agent.text(T.STDERR), "bye");
    assert.deepEqual(agent.exit, { code: 0 });
    assert.equal(agent.frames.at(-1)?.type, T.EXIT);
    assert.ok(agent.frames.every((f) => f.payload.length <= 64 * 1024), "frames of at most 64 KiB");
  });

  test("an emulator slow to read loses none of the output of a runtime that ended meanwhile", async () => {
    // Around what the agent buffers before it stops reading the runtime's pipes (4 MiB): at some
    // size the runtime has written its last bytes into its pipe and ended while the agent waited
    // for the emulator; those bytes still come, before EXIT. (Where exactly depends on the
    // kernel's pipe and socket buffers, hence a range of sizes, all at once.)
    const sizes = Array.from({ length: 20 }, (_, i) => 3.75 * MIB + i * 64 * 1024);
    const agents = await Promise.all(sizes.map(async (size) => new Agent(await freePort(), ["head", "-c", String(size), "/dev/zero"])));
    for (const agent of agents) agent.child.stdout!.pause();
    await new Promise((r) => setTimeout(r, 2000));
    for (const agent of agents) agent.child.stdout!.resume();
    await Promise.all(agents.map((agent) => agent.ends()));
    assert.deepEqual(agents.map((agent) => agent.text(T.STDOUT).length), sizes);
    assert.ok(agents.every((agent) => agent.exit?.code === 0 && agent.frames.at(-1)?.type === T.EXIT));
  });

  test("what the runtime's children wrote comes before EXIT too; those it leaves running are killed when it ends", async () => {
    // The children hold the output pipes open after the runtime ends: the agent does not wait for them.
    const agent = new Agent(await freePort(), ["sh", "-c", "(echo from-child; sleep 300) & sleep 300 & echo $!; sleep 0.2"]);
    const started = Date.now();
    await agent.ends();
    assert.ok(Date.now() - started < 5000, "no waiting for the children");
    const [sleeper] = agent.text(T.STDOUT).match(/^\d+$/m) ?? [];
    assert.ok(agent.text(T.STDOUT).includes("from-child\n"), agent.text(T.STDOUT));
    assert.deepEqual(agent.exit, { code: 0 });
    assert.equal(agent.frames.at(-1)?.type, T.EXIT);
    assert.ok(await gone(Number(sleeper)), `the runtime's child ${sleeper} is killed when the runtime ends`);
  });

  test("a process outside the runtime's group that keeps its output open delays EXIT by about a second, no more", async () => {
    const agent = new Agent(await freePort(), ["sh", "-c", "setsid sleep 300 & echo $!; sleep 0.2"]);
    const started = Date.now();
    await agent.ends();
    const stray = Number(agent.text(T.STDOUT).trim());
    try {
      const took = Date.now() - started;
      assert.ok(took >= 900 && took < 5000, `EXIT after ${took} ms`);
      assert.deepEqual(agent.exit, { code: 0 });
    } finally {
      if (stray > 0) process.kill(stray, "SIGKILL");
    }
  });

  test("EXIT names the signal that ended the runtime", async () => {
    const agent = new Agent(await freePort(), ["sh", "-c", "kill -9 $$"]);
    await agent.ends();
    assert.deepEqual(agent.exit, { signal: "SIGKILL" });
  });

  test("SIGTERM and SIGINT to the agent reach the runtime", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const agent = new Agent(await freePort(), ["sleep", "300"]);
      await agent.frame("HELLO", (f) => f.type === T.HELLO);
      agent.child.kill(signal);
      assert.deepEqual(await agent.ends(), { code: 0, signal: null });
      assert.deepEqual(agent.exit, { signal });
    }
  });

  test("a runtime that handles SIGTERM stops gracefully: its last words, then EXIT with its code", async () => {
    const agent = new Agent(await freePort(), node("process.on('SIGTERM', () => { console.log('stopping'); process.exit(7) }); console.log('ready'); setInterval(() => {}, 1000)"));
    await agent.waitFor("ready", () => (agent.text(T.STDOUT).includes("ready") ? true : undefined));
    agent.child.kill("SIGTERM");
    await agent.ends();
    assert.equal(agent.text(T.STDOUT), "ready\nstopping\n");
    assert.deepEqual(agent.exit, { code: 7 });
  });

  test("a runtime command that does not exist: the agent says so on its stderr and reports EXIT 127", async () => {
    const agent = new Agent(await freePort(), ["no-such-runtime-xyz", "arg"]);
    await agent.ends();
    assert.match(agent.stderr, /^faasbox-agent: cannot start no-such-runtime-xyz: not found$/m);
    assert.equal(agent.frames[0].type, T.HELLO);
    assert.deepEqual(agent.exit, { code: 127 });
    assert.equal(agent.text(T.STDOUT), "", "nothing but frames on the agent's stdout");
  });

  test("port 0: the agent listens on a port the kernel picks and names it in the runtime's Runtime API variables", async () => {
    // Twenty at once on the shared loopback, as a burst of instances on host networking: none may fail to listen.
    const agents = Array.from({ length: 20 }, () => new Agent(0, node(`
      const net = require("net");
      const port = +process.env.FAASBOX_AGENT_API_PORT;
      const socket = net.connect(port, "127.0.0.1", () => {
        console.log(JSON.stringify({ port, aws: process.env.AWS_LAMBDA_RUNTIME_API, scf: process.env.SCF_RUNTIME_API_PORT }));
        socket.end();
      });
      socket.on("error", (e) => { console.log("cannot connect: " + e.code); });
    `), { env: { AWS_LAMBDA_RUNTIME_API: "127.0.0.1:0", SCF_RUNTIME_API_PORT: "0" } }));
    const seen = new Set<number>();
    for (const agent of agents) {
      await agent.frame("OPEN 1", (f) => f.type === T.OPEN && f.stream === 1);
      agent.send(T.END, 1);
      await agent.ends();
      const said = JSON.parse(agent.text(T.STDOUT)) as { port: number; aws: string; scf: string };
      assert.ok(said.port > 0, `${agent.text(T.STDOUT)} ${agent.stderr}`);
      assert.equal(said.aws, `127.0.0.1:${said.port}`);
      assert.equal(said.scf, String(said.port));
      seen.add(said.port);
    }
    assert.equal(seen.size, agents.length, "each its own port");
  });

  test("the runtime's connections to 127.0.0.1:PORT arrive as OPEN (odd ids) and DATA; the emulator's DATA and END reach the runtime", async () => {
    // Two Runtime API calls, one after the other, as a runtime makes them.
    const agent = new Agent(await freePort(), node(`
      const net = require("net");
      const call = (path) => new Promise((resolve, reject) => {
        const socket = net.connect(+process.env.FAASBOX_AGENT_API_PORT, "127.0.0.1", () =>
          socket.write("GET " + path + " HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n"));
        let answer = "";
        socket.on("data", (d) => (answer += d));
        socket.on("end", () => { socket.end(); resolve(answer); });
        socket.on("error", reject);
      });
      (async () => {
        console.log(JSON.stringify(await call("/2018-06-01/runtime/invocation/next")));
        console.log(JSON.stringify(await call("/second")));
      })();
    `));
    const answer = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    for (const [id, path, body] of [[1, "/2018-06-01/runtime/invocation/next", '{"hello":"world"}'], [3, "/second", "two"]] as const) {
      const open = await agent.frame(`OPEN ${id}`, (f) => f.type === T.OPEN && f.stream === id);
      assert.equal(open.payload.length, 0, "an accepted connection's OPEN has no payload");
      const request = await agent.waitFor(`the request on stream ${id}`, () => {
        const text = agent.bytes(id).toString();
        return text.includes("\r\n\r\n") ? text : undefined;
      });
      assert.match(request, new RegExp(`^GET ${path} HTTP/1.1\r\n`));
      agent.send(T.DATA, id, answer(body).slice(0, 10)); // in two pieces: the agent does not parse HTTP
      agent.send(T.DATA, id, answer(body).slice(10));
      agent.send(T.END, id);
      await agent.waitFor(`END of stream ${id} from the agent`, () => (agent.ended.has(id) ? true : undefined));
    }
    await agent.ends();
    assert.equal(agent.text(T.STDOUT), `${JSON.stringify(answer('{"hello":"world"}'))}\n${JSON.stringify(answer("two"))}\n`);
    assert.deepEqual(agent.exit, { code: 0 });
    assert.deepEqual(agent.frames.filter((f) => f.type === T.OPEN).map((f) => f.stream), [1, 3]);
    assert.equal(agent.resets.size, 0);
  });

  test("a runtime API connection from another uid is closed at once and named on stderr; one from the agent's uid is served", async () => {
    // With host networking the listener is on the host's loopback: any local process could connect.
    // The agent runs as this test's uid (root); the intruder as nobody (65534).
    const agent = new Agent(await freePort(), ["sleep", "300"]);
    await agent.frame("HELLO", (f) => f.type === T.HELLO);
    const intruder = spawn(process.execPath, ["-e", `
      const socket = require("net").connect(${agent.port}, "127.0.0.1", () =>
        socket.write("GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"));
      let got = "";
      socket.on("data", (d) => (got += d));
      socket.on("error", (e) => { console.log(JSON.stringify({ uid: process.getuid(), outcome: e.code, got })); process.exit(0); });
      socket.on("end", () => { console.log(JSON.stringify({ uid: process.getuid(), outcome: "end", got })); process.exit(0); });
      setTimeout(() => { console.log(JSON.stringify({ uid: process.getuid(), outcome: "held", got })); process.exit(0); }, 3000);
    `], { uid: 65534, gid: 65534, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    intruder.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    await new Promise((resolve) => intruder.once("close", resolve));
    const seen = JSON.parse(output) as { uid: number; outcome: string; got: string };
    assert.equal(seen.uid, 65534);
    assert.ok(["ECONNRESET", "end", "EPIPE"].includes(seen.outcome), `the intruder's connection is closed at once: ${output}`);
    assert.equal(seen.got, "", "not a byte for the intruder");
    assert.equal(agent.frames.filter((f) => f.type === T.OPEN).length, 0, `no OPEN for the intruder: ${agent.describe()}`);
    assert.match(agent.stderr, /^faasbox-agent: refused a runtime API connection from uid 65534$/m);

    // The same uid as the agent (this process, as a runtime would be) is served.
    const own = await new Promise<Socket>((resolve, reject) => {
      const socket = createConnection(agent.port, "127.0.0.1", () => resolve(socket)).on("error", reject);
    });
    try {
      own.write("ping");
      const open = await agent.frame("OPEN 1", (f) => f.type === T.OPEN && f.stream === 1);
      assert.equal(open.payload.length, 0);
      await agent.waitFor("the served connection's bytes", () => (agent.bytes(1).toString() === "ping" ? true : undefined));
      const answer = new Promise<string>((resolve) => {
        let got = "";
        own.on("data", (d: Buffer) => (got += d.toString())).on("end", () => resolve(got));
      });
      agent.send(T.DATA, 1, "pong");
      agent.send(T.END, 1);
      assert.equal(await answer, "pong");
      assert.equal(agent.stderr.match(/refused/g)?.length, 1, agent.stderr);
    } finally {
      own.destroy();
    }
  });

  test("a runtime running as another uid than the agent is refused too (the other way round)", async () => {
    // The agent as nobody, its runtime (inheriting nobody) served; this test process, root, refused.
    const port = await freePort();
    const child = spawn(AGENT_AMD64, ["sleep", "300"], { env: { ...process.env, FAASBOX_AGENT_API_PORT: String(port) }, uid: 65534, gid: 65534, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let frames: Frame[] = [];
    const decoder = new Decoder();
    child.stdout!.on("data", (chunk: Buffer) => (frames = frames.concat(decoder.push(chunk))));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise((resolve) => child.once("close", resolve));
    try {
      for (let i = 0; i < 100 && !frames.some((f) => f.type === T.HELLO); i++) await new Promise((r) => setTimeout(r, 20));
      const outcome = await new Promise<string>((resolve) => {
        const socket = createConnection(port, "127.0.0.1", () => socket.write("GET / HTTP/1.1\r\n\r\n"));
        socket.on("data", () => resolve("data"));
        socket.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
        socket.on("end", () => resolve("end"));
        setTimeout(() => resolve("held"), 3000);
      });
      assert.ok(["ECONNRESET", "end", "EPIPE"].includes(outcome), `root's connection to nobody's agent is closed at once: ${outcome}`);
      for (let i = 0; i < 100 && !stderr.includes("refused"); i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(stderr, /^faasbox-agent: refused a runtime API connection from uid 0$/m);
      assert.equal(frames.filter((f) => f.type === T.OPEN).length, 0);
    } finally {
      child.stdin!.end();
      await closed;
    }
  });

  test("an emulator OPEN (even id, a port) connects inside, is acknowledged by OPEN first, and relays both ways, half-close included", async () => {
    const server = createServer((socket) => {
      let got = "";
      socket.on("data", (d: Buffer) => (got += d.toString()));
      socket.on("end", () => socket.end(`pong:${got}`)); // answers only after the emulator's END
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const agent = new Agent(await freePort(), ["sleep", "300"]);
      await agent.frame("HELLO", (f) => f.type === T.HELLO);
      agent.send(T.OPEN, 2, String((server.address() as AddressInfo).port));
      agent.send(T.DATA, 2, "pi"); // may arrive while the agent still connects
      agent.send(T.DATA, 2, "ng");
      agent.send(T.END, 2);
      await agent.waitFor("END of stream 2", () => (agent.ended.has(2) ? true : undefined));
      const ofStream2 = agent.frames.filter((f) => f.stream === 2);
      assert.equal(ofStream2[0]?.type, T.OPEN, `the acknowledgement (OPEN 2) comes first: ${agent.describe()}`);
      assert.equal(ofStream2[0].payload.length, 0, "the acknowledgement has no payload");
      assert.equal(ofStream2.filter((f) => f.type === T.OPEN).length, 1, "one acknowledgement");
      assert.equal(agent.bytes(2).toString(), "pong:ping");
      assert.equal(agent.resets.size, 0, `no RESET: ${[...agent.resets.values()].join(", ")}`);
      agent.release();
      assert.deepEqual(await agent.ends(), { code: 137, signal: null });
    } finally {
      server.close();
    }
  });

  test("an OPEN to a port where nothing listens gives RESET with a reason; a bad port too", async () => {
    const agent = new Agent(await freePort(), ["sleep", "300"]);
    agent.send(T.OPEN, 2, String(await freePort()));
    agent.send(T.OPEN, 4, "not-a-port");
    agent.send(T.OPEN, 6, "70000");
    await agent.waitFor("three RESETs", () => (agent.resets.size === 3 ? true : undefined));
    assert.match(agent.resets.get(2)!, /refused/i);
    assert.match(agent.resets.get(4)!, /port/);
    assert.match(agent.resets.get(6)!, /port/);
    assert.equal(agent.frames.filter((f) => f.type === T.OPEN).length, 0, "no acknowledgement of a refused connect");
    assert.equal(agent.exitedWith, undefined, "the agent goes on");
  });

  test("end of stdin (the lease) kills the runtime and its children; the agent exits 137, as a killed process", async () => {
    const agent = new Agent(await freePort(), ["sh", "-c", "sleep 300 & echo $!; wait"]);
    const child = Number(await agent.waitFor("the child's pid", () => agent.text(T.STDOUT).match(/^(\d+)\n/)?.[1]));
    const runtime = agent.hello.pid;
    assert.ok(isRunning(runtime) && isRunning(child));
    agent.release();
    assert.deepEqual(await agent.ends(), { code: 137, signal: null });
    assert.ok(await gone(runtime), `runtime ${runtime} is gone`);
    assert.ok(await gone(child), `the runtime's child ${child} is gone`);
  });

  test("a frame of an unknown type, or over 1 MiB, is a protocol error: the runtime is killed and the agent exits 2", async () => {
    const server = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = String((server.address() as AddressInfo).port);
    try {
      for (const [bad, message] of [
        [encode(42, 0), /unknown frame type 42/],
        [encode(T.DATA, 1, Buffer.alloc(0), MIB + 1), /over 1 MiB/],
        // Beyond the two the contract names: frames only the agent sends, and OPENs with ids the emulator may not use.
        [encode(T.STDOUT, 0, "x"), /only the agent sends/],
        [encode(T.OPEN, 3, port), /ids are even/],
        [Buffer.concat([encode(T.OPEN, 2, port), encode(T.OPEN, 2, port)]), /which is open/],
      ] as const) {
        const agent = new Agent(await freePort(), ["sleep", "300"]);
        const { pid } = await agent.frame("HELLO", (f) => f.type === T.HELLO).then((f) => JSON.parse(f.payload.toString()) as { pid: number });
        agent.child.stdin!.write(bad.subarray(0, 5)); // cut anywhere: the header arrives in pieces
        await new Promise((r) => setTimeout(r, 20));
        agent.child.stdin!.write(bad.subarray(5));
        assert.deepEqual(await agent.ends(), { code: 2, signal: null }, agent.stderr);
        assert.match(agent.stderr, /^faasbox-agent: protocol error: /m);
        assert.match(agent.stderr, message);
        assert.ok(await gone(pid), "the runtime is killed");
      }
    } finally {
      server.close();
    }
  });

  test("a frame of exactly 1 MiB is fine", async () => {
    const agent = new Agent(await freePort(), node(`
      const socket = require("net").connect(+process.env.FAASBOX_AGENT_API_PORT, "127.0.0.1");
      const hash = require("crypto").createHash("sha256");
      socket.on("data", (d) => hash.update(d));
      socket.on("end", () => { console.log(hash.digest("hex")); socket.end(); });
    `));
    await agent.frame("OPEN 1", (f) => f.type === T.OPEN && f.stream === 1);
    const payload = randomBytes(MIB);
    agent.send(T.DATA, 1, payload);
    agent.send(T.END, 1);
    await agent.ends();
    assert.equal(agent.text(T.STDOUT).trim(), sha(payload));
  });

  test("a stream whose reader inside does not read is RESET past 4 MiB pending; the others go on", async () => {
    const agent = new Agent(await freePort(), node(`
      const net = require("net");
      const port = +process.env.FAASBOX_AGENT_API_PORT;
      const stuck = net.connect(port, "127.0.0.1");
      stuck.pause();
      stuck.on("error", () => undefined); // a reset, or an end when the kernel saw the reset first
      stuck.on("close", () => console.log("stuck connection closed after " + received));
      let received = 0;
      stuck.once("connect", () => {
        const live = net.connect(port, "127.0.0.1");
        let got = "";
        live.on("data", (d) => (got += d));
        live.on("end", () => {
          console.log("live got " + got);
          live.end();
          stuck.on("data", (d) => (received += d.length)).resume(); // reads at last: what the kernel held
        });
      });
      setInterval(() => {}, 1000);
    `));
    await agent.frame("OPEN 1", (f) => f.type === T.OPEN && f.stream === 1);
    const chunk = randomBytes(MIB);
    for (let i = 0; i < 24; i++) agent.send(T.DATA, 1, chunk);
    const reason = await agent.waitFor("RESET of the stuck stream", () => agent.resets.get(1));
    assert.match(reason, /4 MiB/);
    await agent.frame("OPEN 3", (f) => f.type === T.OPEN && f.stream === 3);
    agent.send(T.DATA, 3, "still here");
    agent.send(T.END, 3);
    await agent.waitFor("the live stream's answer", () => (agent.text(T.STDOUT).includes("live got still here") ? true : undefined));
    const received = await agent.waitFor("the stuck connection's end inside", () => agent.text(T.STDOUT).match(/stuck connection closed after (\d+)/)?.[1]);
    assert.ok(Number(received) < 24 * MIB, "the connection was cut before all of it went in");
  });

  test("20 streams each way carry 1 MB both ways intact, while one slow reader on each side waits for all the others", { timeout: 120_000 }, async () => {
    const N = 20;
    const SIZE = MIB;
    // The runtime's side: N connections to the agent; the first reads nothing until the others are done.
    const runtimeScript = `
      const net = require("net"), crypto = require("crypto");
      const N = ${N}, SIZE = ${SIZE}, port = +process.env.FAASBOX_AGENT_API_PORT;
      const results = [];
      let slow;
      for (let i = 0; i < N; i++) {
        const socket = net.connect(port, "127.0.0.1");
        if (i === 0) { slow = socket; socket.pause(); }
        const sent = crypto.randomBytes(SIZE), hash = crypto.createHash("sha256");
        let length = 0, readDone = false, writeDone = false;
        const check = () => {
          if (!readDone || !writeDone) return;
          results.push({ sent: crypto.createHash("sha256").update(sent).digest("hex"), received: hash.digest("hex"), length, slow: i === 0 });
          if (results.length === N - 1) slow.resume();
          if (results.length === N) console.log(JSON.stringify(results));
        };
        socket.on("data", (d) => { hash.update(d); length += d.length; });
        socket.on("end", () => { readDone = true; check(); });
        socket.end(sent, () => { writeDone = true; check(); });
      }
      setInterval(() => {}, 1000);
    `;
    // The other side of the emulator's connections: a server inside (here on the host) that
    // answers each with 1 MB; the first connection's reader waits for all the others.
    const serverResults: { sent: string; received: string; length: number }[] = [];
    let slowServerSide: Socket | undefined;
    const server: Server = createServer((socket) => {
      if (!slowServerSide) {
        slowServerSide = socket;
        socket.pause();
      }
      const sent = randomBytes(SIZE);
      const hash = createHash("sha256");
      let length = 0;
      let readDone = false;
      let writeDone = false;
      const check = () => {
        if (!readDone || !writeDone) return;
        serverResults.push({ sent: sha(sent), received: hash.digest("hex"), length });
        if (serverResults.length === N - 1) slowServerSide!.resume();
      };
      socket.on("data", (d: Buffer) => {
        hash.update(d);
        length += d.length;
      });
      socket.on("end", () => {
        readDone = true;
        check();
      });
      socket.end(sent, () => {
        writeDone = true;
        check();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const agent = new Agent(await freePort(), node(runtimeScript));
      // The emulator's side: 1 MB in 64 KiB DATA frames then END on every stream, both kinds;
      // what arrives is hashed as it comes.
      const sentByUs = new Map<number, string>();
      const receiving = new Map<number, { hash: Hash; length: number; digest?: string }>();
      const sendMegabyte = (id: number) => {
        const bytes = randomBytes(SIZE);
        sentByUs.set(id, sha(bytes));
        for (let at = 0; at < SIZE; at += 64 * 1024) agent.send(T.DATA, id, bytes.subarray(at, at + 64 * 1024));
        agent.send(T.END, id);
      };
      agent.onFrame = (frame) => {
        if (frame.type === T.OPEN && frame.stream % 2 === 1) sendMegabyte(frame.stream);
        if (frame.type === T.DATA || frame.type === T.END) {
          let r = receiving.get(frame.stream);
          if (!r) receiving.set(frame.stream, (r = { hash: createHash("sha256"), length: 0 }));
          if (frame.type === T.DATA) {
            r.hash.update(frame.payload);
            r.length += frame.payload.length;
          } else r.digest = r.hash.digest("hex");
        }
      };
      await agent.frame("HELLO", (f) => f.type === T.HELLO);
      const port = String((server.address() as AddressInfo).port);
      for (let id = 2; id <= 2 * N; id += 2) {
        agent.send(T.OPEN, id, port);
        sendMegabyte(id);
      }
      const ours = (odd: boolean) => [...receiving].filter(([id]) => id % 2 === (odd ? 1 : 0));
      const runtimeResults = await agent.waitFor("the runtime's results", () => {
        const line = agent.text(T.STDOUT).split("\n")[0];
        return line.startsWith("[") && agent.text(T.STDOUT).endsWith("\n") ? (JSON.parse(line) as typeof serverResults) : undefined;
      }, 100_000);
      await agent.waitFor("END of every stream", () => (ours(true).length === N && ours(false).length === N && [...receiving.values()].every((r) => r.digest) ? true : undefined), 100_000);
      await agent.waitFor("the server's results", () => (serverResults.length === N ? true : undefined), 100_000);
      assert.equal(agent.resets.size, 0, `no RESET: ${[...agent.resets.values()].join(", ")}`);
      // Which connection is which stream does not matter: each one's hashes must match a stream's.
      const sorted = (hashes: Iterable<string | undefined>) => [...hashes].sort();
      assert.deepEqual(runtimeResults.map((r) => r.length), Array(N).fill(SIZE));
      assert.deepEqual(sorted(runtimeResults.map((r) => r.sent)), sorted(ours(true).map(([, r]) => r.digest)), "the runtime's bytes reached us intact");
      assert.deepEqual(sorted(runtimeResults.map((r) => r.received)), sorted([...sentByUs].filter(([id]) => id % 2 === 1).map(([, h]) => h)), "our bytes reached the runtime intact");
      assert.deepEqual(serverResults.map((r) => r.length), Array(N).fill(SIZE));
      assert.deepEqual(sorted(serverResults.map((r) => r.sent)), sorted(ours(false).map(([, r]) => r.digest)), "the server's bytes reached us intact");
      assert.deepEqual(sorted(serverResults.map((r) => r.received)), sorted([...sentByUs].filter(([id]) => id % 2 === 0).map(([, h]) => h)), "our bytes reached the server intact");
      assert.ok(ours(true).every(([id]) => id <= 2 * N - 1), "the agent's ids are 1, 3, 5...");
    } finally {
      server.close();
    }
  });
});

describe("faasbox-agent (arm64, under qemu-user)", () => {
  before(() => {
    const qemu = spawnSync(QEMU, ["--version"], { encoding: "utf8" });
    if (qemu.error || qemu.status !== 0) {
      assert.fail(`${QEMU} is needed to run the arm64 agent here: install it with 'apt-get install -y qemu-user-static' (Debian package qemu-user-static)`);
    }
  });

  test("HELLO, the runtime's output, a runtime connection and EXIT", async () => {
    // qemu emulates only the agent: its execvp of the host's (amd64) shell runs natively.
    const agent = new Agent(await freePort(), node(`
      console.log("hello from " + process.arch);
      const socket = require("net").connect(+process.env.FAASBOX_AGENT_API_PORT, "127.0.0.1", () => socket.end("ping"));
      let got = "";
      socket.on("data", (d) => (got += d));
      socket.on("end", () => { console.log("got " + got); process.exitCode = 5; });
    `), { qemu: true });
    await agent.frame("OPEN 1", (f) => f.type === T.OPEN && f.stream === 1, 30_000);
    await agent.waitFor("the runtime's END", () => (agent.ended.has(1) ? true : undefined), 30_000);
    assert.equal(agent.bytes(1).toString(), "ping");
    agent.send(T.DATA, 1, "pong");
    agent.send(T.END, 1);
    assert.deepEqual(await agent.ends(30_000), { code: 0, signal: null });
    assert.ok(agent.hello.pid > 1);
    assert.equal(agent.text(T.STDOUT), `hello from ${process.arch}\ngot pong\n`);
    assert.deepEqual(agent.exit, { code: 5 });
  });

  test("SIGTERM reaches the runtime and a missing command is EXIT 127", async () => {
    const agent = new Agent(await freePort(), ["sleep", "300"], { qemu: true });
    await agent.frame("HELLO", (f) => f.type === T.HELLO, 30_000);
    agent.child.kill("SIGTERM");
    await agent.ends(30_000);
    assert.deepEqual(agent.exit, { signal: "SIGTERM" });
    const missing = new Agent(await freePort(), ["no-such-runtime-xyz"], { qemu: true });
    await missing.ends(30_000);
    assert.deepEqual(missing.exit, { code: 127 });
    assert.match(missing.stderr, /faasbox-agent: cannot start no-such-runtime-xyz: not found/);
  });
});
