// The emulator's end of the agent channel against an in-memory fake agent: two PassThroughs
// stand for the agent's stdin and stdout, and the fake speaks the frames of
// emulator/agent/PROTOCOL.md (its own encoder writes the bytes; the decoder tests below check
// the codec against hand-made bytes).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import { PassThrough } from "node:stream";
import { createServer } from "node:http";
import { AgentChannel, type AgentChannelHandlers, type AgentChannelOptions, type AgentExit } from "../../../emulator/core/agent/agentChannel";
import { FrameDecoder, FrameType, MAX_DATA_BYTES, MAX_PAYLOAD_BYTES, ProtocolError, encodeFrame, type Frame } from "../../../emulator/core/agent/frames";

const MB = 1024 * 1024;
const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const tick = (ms = 2) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

/** A connection as the fake agent sees it: what the emulator sent on it, and how it ended. */
class FakeConn {
  readonly received: Buffer[] = [];
  ended = false;
  reset?: string;
  constructor(private readonly agent: FakeAgent, readonly id: number) {}
  get data(): Buffer {
    return Buffer.concat(this.received);
  }
  write(data: Buffer): void {
    for (let offset = 0; offset < data.length; offset += MAX_DATA_BYTES) this.agent.frame(FrameType.DATA, this.id, data.subarray(offset, offset + MAX_DATA_BYTES));
  }
  end(): void {
    this.agent.frame(FrameType.END, this.id);
  }
  resetIt(reason: string): void {
    this.agent.frame(FrameType.RESET, this.id, reason);
  }
}

/**
 * The agent's side: `stdout` is what it sends, `stdin` what the emulator sends it. Ports it
 * "listens" on accept the emulator's OPENs (acknowledged with OPEN back, after `ackDelayMs`);
 * any other port is refused with a RESET.
 */
class FakeAgent {
  readonly stdout = new PassThrough();
  readonly stdin = new PassThrough();
  readonly conns = new Map<number, FakeConn>();
  /** Every frame the emulator sent, in order. */
  readonly frames: Frame[] = [];
  readonly listening = new Map<number, (conn: FakeConn) => void>();
  stdinEnded = false;
  /** How long the agent's connect takes before it acknowledges an emulator OPEN. */
  ackDelayMs = 0;
  /** When set, acknowledgements wait in heldAcks until the test sends them. */
  holdAcks = false;
  readonly heldAcks: (() => void)[] = [];
  private nextId = 1;
  private readonly decoder = new FrameDecoder();

  constructor() {
    this.stdin.on("data", (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.receive(frame);
    });
    this.stdin.on("end", () => (this.stdinEnded = true));
  }

  frame(type: FrameType, stream: number, payload?: Buffer | string): void {
    this.stdout.write(encodeFrame(type, stream, payload));
  }

  hello(pid = 42): void {
    this.frame(FrameType.HELLO, 0, JSON.stringify({ version: 1, pid }));
  }

  /** The runtime connects to the agent's Runtime API port. */
  open(): FakeConn {
    const conn = new FakeConn(this, this.nextId);
    this.nextId += 2;
    this.conns.set(conn.id, conn);
    this.frame(FrameType.OPEN, conn.id);
    return conn;
  }

  private receive(frame: Frame): void {
    this.frames.push(frame);
    const { type, stream, payload } = frame;
    if (type === FrameType.OPEN) {
      const port = Number(payload.toString("ascii"));
      const accept = this.listening.get(port);
      if (!accept) return this.frame(FrameType.RESET, stream, "connection refused");
      const conn = new FakeConn(this, stream);
      this.conns.set(stream, conn);
      const connected = () => {
        this.frame(FrameType.OPEN, stream); // the acknowledgement, before anything else of the stream
        accept(conn);
      };
      if (this.holdAcks) this.heldAcks.push(connected);
      else if (this.ackDelayMs > 0) setTimeout(connected, this.ackDelayMs);
      else connected();
      return;
    }
    const conn = this.conns.get(stream);
    assert.ok(conn, `the emulator sent ${type} on stream ${stream}, which the agent does not know`);
    if (type === FrameType.DATA) {
      assert.ok(payload.length <= MAX_DATA_BYTES, `a DATA frame of ${payload.length} bytes`);
      assert.equal(conn.ended, false, "DATA after END");
      conn.received.push(Buffer.from(payload));
    } else if (type === FrameType.END) {
      conn.ended = true;
    } else if (type === FrameType.RESET) {
      conn.reset = payload.toString("utf8");
    }
  }
}

interface Setup {
  agent: FakeAgent;
  channel: AgentChannel;
  connections: Duplex[];
  output: string[];
  exits: AgentExit[];
  errors: Error[];
}

function setup(handlers: Partial<AgentChannelHandlers> = {}, options: AgentChannelOptions = {}): Setup {
  const agent = new FakeAgent();
  const connections: Duplex[] = [];
  const output: string[] = [];
  const exits: AgentExit[] = [];
  const errors: Error[] = [];
  const channel = new AgentChannel(agent.stdout, agent.stdin, {
    onRuntimeConnection: (connection) => {
      connection.on("error", () => undefined); // the tests look at how streams end, not at unhandled errors
      connections.push(connection);
    },
    onOutput: (stream, chunk) => output.push(`${stream}:${chunk.toString()}`),
    onExit: (exit) => {
      output.push(`exit:${JSON.stringify(exit)}`);
      exits.push(exit);
    },
    onProtocolError: (error) => errors.push(error),
    ...handlers,
  }, options);
  return { agent, channel, connections, output, exits, errors };
}

/** Everything a stream's readable side gives until its end. */
function readAll(stream: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.once("end", () => resolve(Buffer.concat(chunks)));
    stream.once("error", reject);
  });
}

describe("frames", () => {
  test("a frame is type, big-endian stream and length, then the payload", () => {
    const bytes = encodeFrame(FrameType.DATA, 0x01020304, Buffer.from("hi"));
    assert.deepEqual([...bytes], [3, 1, 2, 3, 4, 0, 0, 0, 2, 0x68, 0x69]);
    assert.deepEqual([...encodeFrame(FrameType.END, 7)], [4, 0, 0, 0, 7, 0, 0, 0, 0]);
    assert.throws(() => encodeFrame(FrameType.DATA, 1, Buffer.alloc(MAX_PAYLOAD_BYTES + 1)), /at most 1048576 bytes/);
  });

  test("the decoder fed one byte at a time gives the same frames as fed in one chunk", () => {
    const sent: Array<[FrameType, number, Buffer]> = [
      [FrameType.HELLO, 0, Buffer.from('{"version":1,"pid":7}')],
      [FrameType.OPEN, 1, Buffer.alloc(0)],
      [FrameType.DATA, 1, randomBytes(70_000)],
      [FrameType.STDOUT, 0, Buffer.from("line\n")],
      [FrameType.END, 1, Buffer.alloc(0)],
      [FrameType.DATA, 3, randomBytes(MAX_PAYLOAD_BYTES)],
      [FrameType.EXIT, 0, Buffer.from('{"code":0}')],
    ];
    const bytes = Buffer.concat(sent.map(([type, stream, payload]) => encodeFrame(type, stream, payload)));
    const whole = new FrameDecoder().push(bytes);
    const decoder = new FrameDecoder();
    const byByte: Frame[] = [];
    for (let i = 0; i < bytes.length; i++) {
      byByte.push(...decoder.push(bytes.subarray(i, i + 1)));
      if (i < bytes.length - 1) assert.ok(decoder.pendingBytes > 0 || byByte.length < sent.length);
    }
    decoder.end();
    for (const frames of [whole, byByte]) {
      assert.deepEqual(frames.map((f) => [f.type, f.stream, sha(f.payload)]), sent.map(([type, stream, payload]) => [type, stream, sha(payload)]));
    }
  });

  test("an unknown type or a length over 1 MiB is a protocol error that names it, and the decoder stays broken", () => {
    const unknown = new FrameDecoder();
    assert.throws(() => unknown.push(Buffer.from([42, 0, 0, 0, 1, 0, 0, 0, 0])), (e: Error) => e instanceof ProtocolError && /unknown frame type 42/.test(e.message));
    assert.throws(() => unknown.push(encodeFrame(FrameType.END, 1)), /unknown frame type 42/);
    const long = new FrameDecoder();
    const header = Buffer.from([3, 0, 0, 0, 5, 0, 0x10, 0, 1]); // DATA of 1 MiB + 1 bytes
    assert.throws(() => long.push(header), /DATA frame of 1048577 bytes on stream 5: the limit is 1048576/);
    const cut = new FrameDecoder();
    cut.push(encodeFrame(FrameType.DATA, 1, Buffer.from("abc")).subarray(0, 10));
    assert.throws(() => cut.end(), /ended in the middle of a frame/);
  });
});

describe("agent channel", () => {
  test("HELLO resolves with the runtime's pid; stream frames before it are a protocol error", async () => {
    const { agent, channel } = setup();
    agent.hello(1234);
    assert.deepEqual(await channel.hello, { version: 1, pid: 1234 });

    const early = setup();
    early.agent.frame(FrameType.OPEN, 1);
    await assert.rejects(early.channel.hello, /agent protocol error: OPEN on stream 1 before HELLO/);
    assert.equal(early.errors.length, 1);
    await until(() => early.agent.stdinEnded, "the lease to end");

    const future = setup();
    future.agent.frame(FrameType.HELLO, 0, JSON.stringify({ version: 2, pid: 1 }));
    await assert.rejects(future.channel.hello, /version 2 of the protocol, the emulator 1: rebuild the agent/);
  });

  test("many concurrent streams both ways carry 1 MB each way intact", async () => {
    const { agent, channel, connections } = setup();
    agent.hello();
    await channel.hello;
    const count = 8;
    const payload = (i: number, dir: string) => createHash("sha512").update(`${dir}${i}`).digest().toString("hex").repeat(Math.ceil(MB / 128)).slice(0, MB);

    // The runtime's connections (odd ids): the agent sends 1 MB on each, the emulator answers 1 MB.
    const runtimeConns = Array.from({ length: count }, () => agent.open());
    await until(() => connections.length === count, "the runtime's connections");
    const fromRuntime = connections.map((connection) => readAll(connection));
    connections.forEach((connection, i) => connection.end(Buffer.from(payload(i, "reply"))));
    runtimeConns.forEach((conn, i) => {
      conn.write(Buffer.from(payload(i, "request")));
      conn.end();
    });

    // The emulator's connections (even ids), to a port the agent echoes back.
    agent.listening.set(9229, (conn) => {
      const timer = setInterval(() => {
        if (!conn.ended) return;
        clearInterval(timer);
        conn.write(conn.data);
        conn.end();
      }, 2);
    });
    const dialled = await Promise.all(Array.from({ length: count }, () => channel.connect(9229)));
    const echoes = dialled.map((stream) => readAll(stream));
    dialled.forEach((stream, i) => stream.end(Buffer.from(payload(i, "dial"))));

    const received = await Promise.all(fromRuntime);
    received.forEach((data, i) => assert.equal(sha(data), sha(Buffer.from(payload(i, "request"))), `runtime stream ${i}`));
    await until(() => runtimeConns.every((conn) => conn.ended), "the emulator's END on every runtime stream");
    runtimeConns.forEach((conn, i) => assert.equal(sha(conn.data), sha(Buffer.from(payload(i, "reply"))), `reply on stream ${conn.id}`));
    const echoed = await Promise.all(echoes);
    echoed.forEach((data, i) => assert.equal(sha(data), sha(Buffer.from(payload(i, "dial"))), `dialled stream ${i}`));

    assert.deepEqual(runtimeConns.map((c) => c.id), [1, 3, 5, 7, 9, 11, 13, 15]);
    assert.deepEqual(dialled.map((s) => (s as unknown as { id: number }).id), [2, 4, 6, 8, 10, 12, 14, 16]);
    assert.ok(agent.frames.every((f) => f.type !== FrameType.RESET), "no stream was reset");
    await until(() => channel.openStreams === 0, "every stream to be gone once both sides ended");
  });

  test("half-close: each side may go on sending after the other's END", async () => {
    const { agent, channel, connections } = setup();
    agent.hello();
    const conn = agent.open();
    await until(() => connections.length === 1, "the connection");
    const [stream] = connections;
    const closed = new Promise((resolve) => stream.once("close", resolve));
    const read = readAll(stream);
    // The emulator ends its side first; the agent keeps sending, then ends.
    stream.end("request");
    await until(() => conn.ended, "END at the agent");
    assert.equal(conn.data.toString(), "request");
    conn.write(Buffer.from("answer after the half-close"));
    conn.end();
    assert.equal((await read).toString(), "answer after the half-close");
    await closed;
    assert.equal(conn.reset, undefined);

    // The other way round, on an emulator-initiated stream.
    agent.listening.set(9000, (c) => c.end());
    const dialled = await channel.connect(9000);
    const dialledRead = readAll(dialled);
    assert.equal((await dialledRead).length, 0);
    const other = agent.conns.get(2)!;
    dialled.end("still writing after the agent's END");
    await until(() => other.ended, "END at the agent");
    assert.equal(other.data.toString(), "still writing after the agent's END");
    assert.equal(other.reset, undefined);
  });

  test("a refused connect rejects with the agent's reason; a silent accepted one resolves; destroy() sends RESET", async () => {
    const { agent, channel } = setup();
    agent.hello();
    await assert.rejects(channel.connect(1234), /cannot connect to port 1234 in the instance: connection refused/);
    agent.listening.set(9229, () => undefined);
    const silent = await channel.connect(9229);
    const id = (silent as unknown as { id: number }).id;
    silent.destroy(new Error("the debugger went away"));
    silent.on("error", () => undefined);
    await until(() => agent.conns.get(id)?.reset !== undefined, "the RESET");
    assert.equal(agent.conns.get(id)!.reset, "the debugger went away");
    await assert.rejects(channel.connect(0), /not a port/);
  });

  test("connect() resolves at the agent's acknowledgement (OPEN with the even id), not before", async () => {
    const { agent, channel, errors } = setup();
    agent.hello();
    agent.holdAcks = true;
    agent.listening.set(9229, () => undefined);
    let settled = false;
    const connecting = channel.connect(9229).then((stream) => {
      settled = true;
      return stream;
    });
    await until(() => agent.heldAcks.length === 1, "the emulator's OPEN to reach the agent");
    // Long past the 100 ms the channel used to wait instead of an acknowledgement: still waiting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(settled, false, "connect() waits for the acknowledgement");
    agent.heldAcks.shift()!();
    const stream = await connecting;
    assert.equal((stream as unknown as { id: number }).id, 2);
    assert.deepEqual(errors, []);
    stream.destroy();
  });

  test("an even-id OPEN the emulator did not ask for, a second acknowledgement, or DATA before the acknowledgement is a protocol error", async () => {
    for (const [act, message] of [
      [(s: Setup) => s.agent.frame(FrameType.OPEN, 2), /the agent acknowledged stream 2, which the emulator never opened/],
      [(s: Setup) => {
        s.agent.listening.set(9229, () => undefined);
        void s.channel.connect(9229).then((stream) => {
          stream.on("error", () => undefined); // destroyed as the channel closes
          s.agent.frame(FrameType.OPEN, 2);
        });
      }, /the agent acknowledged stream 2 again/],
      [(s: Setup) => {
        s.agent.ackDelayMs = 1000;
        s.agent.listening.set(9229, () => undefined);
        s.channel.connect(9229).catch(() => undefined);
        setTimeout(() => s.agent.frame(FrameType.DATA, 2, "early"), 20);
      }, /DATA on stream 2 before its OPEN/],
    ] as const) {
      const other = setup();
      other.agent.hello();
      act(other);
      await until(() => other.errors.length === 1, `the protocol error ${message}`);
      assert.match(other.errors[0].message, message);
    }
  });

  test("a RESET from the agent destroys the stream with the reason (ECONNRESET)", async () => {
    const { agent, connections } = setup();
    agent.hello();
    const conn = agent.open();
    await until(() => connections.length === 1, "the connection");
    const errored = new Promise<Error>((resolve) => connections[0].once("error", resolve));
    conn.resetIt("runtime socket: Connection reset by peer");
    const error = await errored;
    assert.match(error.message, /reset by the agent: runtime socket: Connection reset by peer/);
    assert.equal((error as NodeJS.ErrnoException).code, "ECONNRESET");
    // Nothing goes back for a stream the agent reset.
    connections[0].destroy();
    await tick(10);
    assert.ok(agent.frames.every((f) => f.stream !== conn.id));
  });

  test("the runtime's output comes in order, all of it before EXIT", async () => {
    const { agent, channel, output, exits } = setup();
    agent.frame(FrameType.STDERR, 0, "before hello\n"); // a runtime that fails at once may print first
    agent.hello();
    for (let i = 0; i < 50; i++) agent.frame(i % 3 ? FrameType.STDOUT : FrameType.STDERR, 0, `line ${i}\n`);
    agent.frame(FrameType.EXIT, 0, JSON.stringify({ code: 3 }));
    agent.stdout.end();
    assert.deepEqual(await channel.ended, { code: 3 });
    assert.deepEqual(exits, [{ code: 3 }]);
    assert.deepEqual(output, [
      "stderr:before hello\n",
      ...Array.from({ length: 50 }, (_, i) => `${i % 3 ? "stdout" : "stderr"}:line ${i}\n`),
      'exit:{"code":3}',
    ]);
    const killed = setup();
    killed.agent.hello();
    killed.agent.frame(FrameType.EXIT, 0, JSON.stringify({ signal: "SIGKILL" }));
    killed.agent.stdout.end();
    assert.deepEqual(await killed.channel.ended, { signal: "SIGKILL" });
  });

  test("frames reaching the channel one byte at a time work as well", async () => {
    const agent = new FakeAgent();
    const bytes: Buffer[] = [];
    agent.stdout.on("data", (chunk: Buffer) => bytes.push(chunk));
    const trickle = new PassThrough();
    const connections: Duplex[] = [];
    const output: string[] = [];
    const channel = new AgentChannel(trickle, agent.stdin, { onRuntimeConnection: (c) => void connections.push(c), onOutput: (s, c) => void output.push(c.toString()) });
    agent.hello(9);
    const conn = agent.open();
    const body = randomBytes(100_000);
    conn.write(body);
    conn.end();
    agent.frame(FrameType.STDOUT, 0, "done\n");
    const all = Buffer.concat(bytes);
    for (let i = 0; i < all.length; i++) trickle.write(all.subarray(i, i + 1));
    assert.deepEqual(await channel.hello, { version: 1, pid: 9 });
    await until(() => connections.length === 1, "the connection");
    assert.equal(sha(await readAll(connections[0])), sha(body));
    assert.deepEqual(output, ["done\n"]);
  });

  test("a protocol error: reported once, the lease ends (the agent's stdin), streams are destroyed, later input is ignored", async () => {
    const { agent, channel, connections, errors, output } = setup();
    agent.hello();
    agent.open();
    await until(() => connections.length === 1, "the connection");
    const closed = new Promise((resolve) => connections[0].once("close", resolve));
    agent.stdout.write(Buffer.from([42, 0, 0, 0, 0, 0, 0, 0, 0]));
    agent.frame(FrameType.STDOUT, 0, "after the error");
    await until(() => errors.length === 1, "the protocol error");
    assert.match(errors[0].message, /^agent protocol error: unknown frame type 42/);
    await closed;
    await until(() => agent.stdinEnded, "the lease to end");
    assert.deepEqual(output, []);
    assert.equal(await channel.ended, undefined);
    await assert.rejects(channel.connect(9229), /the agent channel is closed/);

    // Other breaches of the protocol.
    for (const [frames, message] of [
      [[encodeFrame(FrameType.DATA, 5, "x")], /DATA on stream 5, which was never opened/],
      [[encodeFrame(FrameType.OPEN, 4)], /the agent acknowledged stream 4, which the emulator never opened/],
      [[encodeFrame(FrameType.STDOUT, 3, "x")], /STDOUT on stream 3/],
      [[encodeFrame(FrameType.EXIT, 0, "not json")], /EXIT payload is not a JSON object/],
      [[Buffer.from([3, 0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff])], /DATA frame of 2147483647 bytes/],
    ] as const) {
      const other = setup();
      other.agent.hello();
      for (const bytes of frames) other.agent.stdout.write(bytes);
      await until(() => other.errors.length === 1, `the protocol error ${message}`);
      assert.match(other.errors[0].message, message);
    }
  });

  test("a slow consumer holds its stream only: under the cap it gets everything late, over the cap its stream is RESET", async () => {
    const { agent, connections } = setup({}, { maxPendingBytes: 2 * MB });
    agent.hello();
    const slow = agent.open();
    const stuck = agent.open();
    const lively = agent.open();
    await until(() => connections.length === 3, "the connections");
    const [slowStream, stuckStream, livelyStream] = connections;
    slowStream.pause();
    stuckStream.pause(); // never read
    const slowData = randomBytes(1.5 * MB);
    slow.write(slowData);
    slow.end();
    stuck.write(randomBytes(3 * MB));
    const livelyRead = readAll(livelyStream);
    lively.write(Buffer.from("the others go on"));
    lively.end();
    assert.equal((await livelyRead).toString(), "the others go on");
    await until(() => stuck.reset !== undefined, "the RESET of the stuck stream");
    assert.match(stuck.reset!, /not reading: over 2097152 bytes pending/);
    assert.equal(slow.reset, undefined);
    await tick(20);
    const slowRead = readAll(slowStream);
    slowStream.resume();
    assert.equal(sha(await slowRead), sha(slowData));
  });

  test("writes wait for the agent's stdin to drain (backpressure), and complete once it reads", async () => {
    const agent = new FakeAgent();
    const stdin = new PassThrough({ highWaterMark: 16 * 1024 });
    const connections: Duplex[] = [];
    const channel = new AgentChannel(agent.stdout, stdin, { onRuntimeConnection: (c) => void connections.push(c) });
    agent.hello();
    await channel.hello;
    agent.open();
    await until(() => connections.length === 1, "the connection");
    let finished = false;
    connections[0].end(randomBytes(MB), () => (finished = true));
    await tick(30);
    assert.equal(finished, false, "nothing reads the agent's stdin yet");
    assert.ok(connections[0].writableLength > 0, "the stream holds what it could not send");
    stdin.pipe(agent.stdin);
    await until(() => finished, "the write to finish");
    await until(() => agent.conns.get(1)?.ended === true, "END at the agent");
    assert.equal(agent.conns.get(1)!.data.length, MB);
  });

  test("close() ends the agent's stdin (the lease) and the streams", async () => {
    const { agent, channel, connections } = setup();
    agent.hello();
    agent.open();
    await until(() => connections.length === 1, "the connection");
    const closed = new Promise((resolve) => connections[0].once("close", resolve));
    channel.close();
    await closed;
    await until(() => agent.stdinEnded, "the agent's stdin to end");
    assert.ok(agent.frames.every((f) => f.type !== FrameType.RESET), "no RESET after the lease ended");
  });
});

describe("HTTP over a relayed runtime connection", () => {
  test("a response's head, body and end go to the agent as one DATA frame, no empty frames", async () => {
    const { agent, connections } = setup();
    agent.hello();
    const server = createServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": 2 }).end(Buffer.from("{}")); // a Buffer, as the invocation payload is
    });
    const conn = agent.open();
    await until(() => connections.length === 1, "the runtime connection");
    for (const [name, value] of Object.entries({ setTimeout() {}, setNoDelay() {}, setKeepAlive() {}, ref() {}, unref() {} })) {
      if (!(name in connections[0])) Object.defineProperty(connections[0], name, { value });
    }
    server.emit("connection", connections[0]);
    conn.write(Buffer.from("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"));
    await until(() => conn.data.includes("\r\n\r\n{}"), "the response");
    await tick(20);
    const data = agent.frames.filter((frame) => frame.type === FrameType.DATA && frame.stream === conn.id);
    assert.equal(data.length, 1, `DATA frames: ${data.map((frame) => JSON.stringify(frame.payload.toString())).join(", ")}`);
    assert.match(data[0].payload.toString(), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n\{\}$/);
    server.close();
    connections[0].destroy();
  });
});
