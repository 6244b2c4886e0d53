// The agent's channel on a Unix socket: the emulator's listener (emulator/core/agent/agentSocket.ts)
// and the agent binary's side of it (FAASBOX_AGENT_SOCKET, emulator/agent/PROTOCOL.md), with
// real sockets and the real binary. Who may connect is checked with real processes of other uids
// (the tests run as root, as the docker tier does; under CI=true a non-root run fails saying so).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentChannelKind, listenForAgent, removeAgentSockets, SECRET_HEX_LENGTH } from "../../../emulator/core/agent/agentSocket";
import { requireAgentBinary } from "../../helpers/agent";
import { REPO_ROOT } from "../../helpers/paths";

const AGENT = join(REPO_ROOT, "dist", "agent", "faasbox-agent-amd64");
const T = { HELLO: 1, STDOUT: 6, EXIT: 8 } as const;
const INSTANCE_USER = { uid: 1_234_567_890, gid: 65534 };

function requireRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  assert.ok(!process.env.CI, "these checks switch uids: run the unit tier as root (as CI does)");
  return false;
}

after(() => removeAgentSockets());

describe("which channel the agent gets", () => {
  test("a local Linux engine on a Unix socket gets the socket; Docker Desktop, remote engines and other systems keep attach", () => {
    assert.equal(agentChannelKind({ localUnixEngine: true, dockerDesktop: false, platform: "linux" }), "socket");
    assert.equal(agentChannelKind({ localUnixEngine: false, dockerDesktop: false, platform: "linux" }), "attach", "tcp:// (a remote engine, or TLS on loopback)");
    assert.equal(agentChannelKind({ localUnixEngine: true, dockerDesktop: true, platform: "linux" }), "attach", "Docker Desktop's VM");
    assert.equal(agentChannelKind({ localUnixEngine: true, dockerDesktop: false, platform: "darwin" }), "attach");
    assert.equal(agentChannelKind({ setting: "attach", localUnixEngine: true, dockerDesktop: false, platform: "linux" }), "attach");
    assert.equal(agentChannelKind({ setting: "socket", localUnixEngine: false, dockerDesktop: false, platform: "linux" }), "attach", "socket where it cannot work falls back");
    assert.throws(() => agentChannelKind({ setting: "pipe", localUnixEngine: true, dockerDesktop: false }), /FAASBOX_AGENT_CHANNEL=pipe: expected socket, attach or auto/);
  });
});

/** Connects to `path` as `uid` in a child process: what it got (connected, or the error code). */
function connectAs(uid: number, path: string, send = ""): string {
  const script = `const s=require("net").createConnection(${JSON.stringify(path)});s.on("connect",()=>{s.write(${JSON.stringify(send)});setTimeout(()=>{console.log("connected");process.exit(0)},300)});s.on("error",(e)=>{console.log(e.code);process.exit(0)})`;
  const result = spawnSync(process.execPath, ["-e", script], { uid, gid: 65534, encoding: "utf8", timeout: 10_000 });
  return result.stdout.trim() || result.stderr.trim();
}

describe("the emulator's listener", () => {
  test("the instance's folder and socket are its user's alone; another uid cannot connect; a wrong secret is closed; the right one is accepted once", async (t) => {
    if (!requireRoot()) return t.skip("not root");
    const listener = await listenForAgent("inst-1", INSTANCE_USER);
    try {
      const folder = statSync(listener.hostDir);
      assert.equal(folder.uid, INSTANCE_USER.uid);
      assert.equal(folder.mode & 0o777, 0o700);
      const parent = statSync(join(listener.hostDir, ".."));
      assert.equal(parent.mode & 0o777, 0o700, "the folder of all instances' folders is the emulator's alone");
      const path = join(listener.hostDir, "agent.sock");
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(listener.env.FAASBOX_AGENT_SOCKET, "/opt/faasbox/channel/agent.sock");
      assert.match(listener.env.FAASBOX_AGENT_SECRET, new RegExp(`^[0-9a-f]{${SECRET_HEX_LENGTH}}$`));

      assert.equal(connectAs(1_234_567_891, path), "EACCES", "another local user (another instance's uid) is refused by the file system");

      // The instance's own uid with a wrong secret: connected, then closed without being taken.
      const wrong = createConnection(path);
      const wrongClosed = new Promise((resolve) => wrong.on("close", resolve));
      wrong.on("error", () => undefined);
      wrong.write("0".repeat(SECRET_HEX_LENGTH));
      await wrongClosed;
      const pending = await Promise.race([listener.accepted.then(() => "accepted"), new Promise((r) => setTimeout(() => r("pending"), 200))]);
      assert.equal(pending, "pending", "a wrong secret is not the agent");

      const agent = createConnection(path);
      agent.write(`${listener.env.FAASBOX_AGENT_SECRET}first frame bytes`);
      const socket = await listener.accepted;
      const first = await new Promise<Buffer>((resolve) => {
        socket.once("data", resolve);
        socket.resume();
      });
      assert.equal(first.toString(), "first frame bytes", "what follows the secret reaches the channel, the secret does not");
      assert.equal(existsSync(path), false, "once the agent is in, the socket is gone: nothing else can connect");
      agent.destroy();
      socket.destroy();
    } finally {
      listener.close();
    }
    assert.equal(existsSync(listener.hostDir), false, "close() removes the instance's folder");
  });

  test("the folders a killed emulator left are removed by the next one; a running emulator's are kept", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const left = join(tmpdir(), `faasbox-ch-${dead}-left`);
    const running = join(tmpdir(), `faasbox-ch-${process.ppid}-running`);
    mkdirSync(join(left, "instance"), { recursive: true });
    mkdirSync(running, { recursive: true });
    try {
      removeAgentSockets(); // the next listener makes this process's folder anew, and sweeps first
      const listener = await listenForAgent("inst-3", INSTANCE_USER);
      listener.close();
      assert.equal(existsSync(left), false, "the dead emulator's folder is gone");
      assert.equal(existsSync(running), true, "a live process's folder is not touched");
    } finally {
      rmSync(left, { recursive: true, force: true });
      rmSync(running, { recursive: true, force: true });
    }
  });

  test("the runtime API's socket: the instance's user's alone, every connection handed over for the instance's life, gone with close()", async (t) => {
    if (!requireRoot()) return t.skip("not root");
    const handed: Socket[] = [];
    const listener = await listenForAgent("inst-4", INSTANCE_USER, (connection) => {
      handed.push(connection);
      connection.on("data", (chunk: Buffer) => connection.end(`echo ${chunk}`));
    });
    const path = join(listener.hostDir, "runtime.sock");
    try {
      assert.equal(listener.env.FAASBOX_RUNTIME_API_SOCKET, "/opt/faasbox/channel/runtime.sock");
      assert.equal(statSync(path).uid, INSTANCE_USER.uid);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(connectAs(1_234_567_891, path), "EACCES", "another local user (another instance's uid) is refused by the file system");
      // The agent connecting first changes nothing: the runtime's socket stays, and takes any number of connections.
      createConnection(join(listener.hostDir, "agent.sock")).write(listener.env.FAASBOX_AGENT_SECRET);
      (await listener.accepted).destroy();
      for (const word of ["one", "two"]) {
        const client = createConnection(path);
        client.write(word);
        const answer = await new Promise<string>((resolve) => {
          let text = "";
          client.on("data", (chunk: Buffer) => (text += chunk));
          client.on("end", () => resolve(text));
        });
        assert.equal(answer, `echo ${word}`);
      }
      assert.equal(handed.length, 2);
    } finally {
      listener.close();
    }
    assert.equal(existsSync(path), false, "close() removes it with the folder");
  });

  test("without a runtime API handler there is no runtime socket", async () => {
    const listener = await listenForAgent("inst-5", INSTANCE_USER);
    try {
      assert.equal(listener.env.FAASBOX_RUNTIME_API_SOCKET, undefined);
      assert.equal(existsSync(join(listener.hostDir, "runtime.sock")), false);
    } finally {
      listener.close();
    }
  });

  test("close() before the agent connects rejects accepted", async () => {
    const listener = await listenForAgent("inst-2", INSTANCE_USER);
    listener.close();
    await assert.rejects(listener.accepted, /closed before the agent connected/);
  });
});

/** A socket server standing in for the emulator: it keeps what the agent sends (its secret, then its frames). */
async function fakeEmulator(): Promise<{ path: string; dir: string; connection: Promise<{ socket: Socket; secret: string; frames: () => Array<{ type: number; payload: Buffer }> }> }> {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-agentsock-"));
  const path = join(dir, "agent.sock");
  const server = createServer();
  const connection = new Promise<{ socket: Socket; secret: string; frames: () => Array<{ type: number; payload: Buffer }> }>((resolve) => {
    server.once("connection", (socket) => {
      server.close();
      let bytes = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => (bytes = Buffer.concat([bytes, chunk])));
      socket.on("error", () => undefined);
      const frames = () => {
        const out: Array<{ type: number; payload: Buffer }> = [];
        for (let pos = SECRET_HEX_LENGTH; bytes.length - pos >= 9; ) {
          const length = bytes.readUInt32BE(pos + 5);
          if (bytes.length - pos < 9 + length) break;
          out.push({ type: bytes[pos], payload: bytes.subarray(pos + 9, pos + 9 + length) });
          pos += 9 + length;
        }
        return out;
      };
      setTimeout(() => resolve({ socket, secret: bytes.subarray(0, SECRET_HEX_LENGTH).toString(), frames }), 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, dir, connection };
}

/** A port nothing listens on now, for the agent's Runtime API listener (the tests do not use it). */
async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return String(port);
}

async function until<T>(get: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the agent binary on the socket", () => {
  const secret = "ab".repeat(SECRET_HEX_LENGTH / 2);
  // The runtime says whether it can see the secret: in its environment, or in the agent's (/proc/PPID/environ).
  const runtime = [process.execPath, "-e", `const env=require("fs").readFileSync("/proc/"+process.ppid+"/environ","utf8");console.log(String(process.env.FAASBOX_AGENT_SECRET)+" "+env.includes("${secret}"));setInterval(()=>{},1000)`];

  for (const end of ["the socket", "stdin (the attach stream)"] as const) {
    test(`it proves itself with the secret, frames flow on the socket only, the runtime never sees the secret; the end of ${end} kills the runtime`, async () => {
      requireAgentBinary();
      const emulator = await fakeEmulator();
      const agent = spawn(AGENT, runtime, { env: { ...process.env, FAASBOX_AGENT_API_PORT: await freePort(), FAASBOX_AGENT_SOCKET: emulator.path, FAASBOX_AGENT_SECRET: secret }, stdio: "pipe" });
      let stdout = "";
      let stderr = "";
      agent.stdout.on("data", (d) => (stdout += d));
      agent.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => agent.once("close", (code) => resolve(code)));
      try {
        const { socket, secret: sent, frames } = await emulator.connection;
        assert.equal(sent, secret, "the first bytes are the secret");
        const hello = await until(() => frames().find((f) => f.type === T.HELLO), "HELLO");
        const pid = (JSON.parse(hello.payload.toString()) as { pid: number }).pid;
        const line = await until(() => frames().find((f) => f.type === T.STDOUT), `the runtime's output (stderr: ${stderr})`);
        assert.equal(line.payload.toString(), "undefined false\n", "the runtime has no FAASBOX_AGENT_SECRET and the agent's environ no longer holds it");
        assert.ok(alive(pid));
        if (end === "the socket") socket.destroy();
        else agent.stdin.end();
        assert.equal(await exited, 137, `the lease ended: 128 + SIGKILL (stderr: ${stderr})`);
        await until(() => (alive(pid) ? undefined : true), "the runtime to be gone");
        assert.equal(stdout, "", "nothing on the agent's stdout: the frames went to the socket");
      } finally {
        agent.kill("SIGKILL");
        rmSync(emulator.dir, { recursive: true, force: true });
      }
    });
  }

  test("a socket it cannot reach: the agent says so and exits without starting the runtime", async () => {
    requireAgentBinary();
    const result = spawnSync(AGENT, ["sh", "-c", "echo started"], { env: { ...process.env, FAASBOX_AGENT_API_PORT: await freePort(), FAASBOX_AGENT_SOCKET: "/nonexistent/agent.sock", FAASBOX_AGENT_SECRET: secret }, encoding: "utf8", timeout: 10_000 });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /faasbox-agent: cannot reach the emulator's socket \/nonexistent\/agent\.sock: No such file or directory/);
    assert.equal(result.stdout, "");
  });
});
