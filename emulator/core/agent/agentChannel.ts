import { Duplex, type Readable, type Writable } from "node:stream";
import { FrameDecoder, FrameType, MAX_DATA_BYTES, ProtocolError, frameHeader, frameTypeName, type Frame } from "./frames";

/**
 * The emulator's end of the agent channel (emulator/agent/PROTOCOL.md). The agent runs the
 * runtime inside the instance, accepts its Runtime API connections on 127.0.0.1 there, and
 * relays every connection, the runtime's output and its exit over one pair of byte streams:
 * the container's attach stream, or a local process's stdin and stdout.
 */

/** Where the runtime finds the agent (its Runtime API) inside a container with its own network. */
export const AGENT_API_HOST = "127.0.0.1";
export const AGENT_API_PORT = 9001;
export const PROTOCOL_VERSION = 1;
/** A stream's unread bytes past which it is RESET, as the agent does (PROTOCOL.md, Flow). */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;

export interface AgentHello {
  version: number;
  /** The runtime's pid (in the container's pid namespace). */
  pid: number;
}

/** How the runtime ended, as the agent reported it (EXIT). */
export type AgentExit = { code: number; signal?: undefined } | { signal: string; code?: undefined };

export interface AgentChannelHandlers {
  /** The runtime opened a Runtime API connection: serve it (e.g. RuntimeApiServer.acceptConnection). */
  onRuntimeConnection(connection: Duplex): void;
  /** Bytes the runtime wrote to its stdout or stderr, in the order it wrote them. */
  onOutput?(stream: "stdout" | "stderr", chunk: Buffer): void;
  /** The runtime ended (the agent exits right after). */
  onExit?(exit: AgentExit): void;
  /** The agent broke the protocol: the channel is closed (so the agent kills the runtime). */
  onProtocolError?(error: Error): void;
}

export interface AgentChannelOptions {
  /** Default MAX_PENDING_BYTES. */
  maxPendingBytes?: number;
}

/** Bytes the emulator's side of a stream may keep in its readable buffer before it stops pushing. */
const READ_HIGH_WATER = 256 * 1024;

/**
 * One relayed connection as a Duplex: bytes the agent sends (DATA) are its readable side, what
 * is written to it goes out as DATA frames of at most 64 KiB; end() sends END (half-close), and
 * destroy() before both sides ended sends RESET.
 */
export class AgentStream extends Duplex {
  /** We sent END. */
  sentEnd = false;
  /** The agent sent END. */
  receivedEnd = false;
  /** RESET either way, or the channel went: no frame goes out for it any more. */
  gone = false;
  /** An emulator-initiated stream until the agent acknowledges it (OPEN) or refuses it (RESET). */
  connecting?: { port: number; resolve(stream: Duplex): void; reject(error: Error): void };
  /** DATA (and END, as null) held while the consumer is slow. */
  private pending: (Buffer | null)[] = [];
  private pendingBytes = 0;
  /** The last push() was refused: hold what comes until _read asks again. */
  private blocked = false;

  constructor(private readonly channel: AgentChannel, readonly id: number) {
    super({ allowHalfOpen: true, readableHighWaterMark: READ_HIGH_WATER, writableHighWaterMark: MAX_DATA_BYTES });
  }

  /** Bytes received and not yet read by the consumer. */
  get unreadBytes(): number {
    return this.readableLength + this.pendingBytes;
  }

  /** A DATA payload, or null for END, from the agent. False when the stream now holds more than the cap. */
  deliver(chunk: Buffer | null): boolean {
    if (this.blocked || this.pending.length) {
      this.pending.push(chunk);
      if (chunk) this.pendingBytes += chunk.length;
      return this.unreadBytes <= this.channel.maxPendingBytes;
    }
    this.blocked = !this.push(chunk);
    return true;
  }

  override _read(): void {
    this.blocked = false;
    while (this.pending.length && !this.blocked) {
      const chunk = this.pending.shift()!;
      if (chunk) this.pendingBytes -= chunk.length;
      this.blocked = !this.push(chunk);
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (chunk.length === 0) return callback(); // no frame for nothing (ServerResponse.end writes an empty chunk)
    this.channel.sendData(this, chunk, callback);
  }

  /**
   * Corked writes as one DATA frame: an HTTP response's head, body and end come as three writes,
   * and three frames would cost the agent three socket writes and the runtime three reads.
   */
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this._write(chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map(({ chunk }) => chunk)), "binary", callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.gone) {
      this.sentEnd = true;
      this.channel.sendEnd(this);
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.channel.streamDestroyed(this, error);
    callback(error);
  }
}

/**
 * Decodes the agent's frames from `fromAgent` (its stdout) and writes the emulator's to `toAgent`
 * (its stdin). Never blocks on one stream: a stream whose consumer is slow keeps what comes for
 * it, up to maxPendingBytes, past which it is RESET, and the others go on.
 */
export class AgentChannel {
  /** Resolves with the agent's HELLO; rejects if the channel ends or breaks before it. */
  readonly hello: Promise<AgentHello>;
  /** Settles once the agent's output has ended (or the channel broke), with its EXIT if it sent one. */
  readonly ended: Promise<AgentExit | undefined>;
  /** The runtime's exit, once the agent reported it. */
  exit?: AgentExit;
  readonly maxPendingBytes: number;
  private readonly decoder = new FrameDecoder();
  private readonly streams = new Map<number, AgentStream>();
  /** The next emulator-initiated stream id (even). */
  private nextId = 2;
  /** The highest id the agent has opened (odd; ids are not reused). */
  private highestAgentId = 0;
  private helloSeen?: AgentHello;
  private resolveHello!: (hello: AgentHello) => void;
  private rejectHello!: (error: Error) => void;
  private resolveEnded!: (exit: AgentExit | undefined) => void;
  /** No more input is read: it ended, or broke the protocol. */
  private inputDone = false;
  /** No more frames go out: close(), or the agent's stdin broke. */
  private outputDone = false;
  /** Writes waiting for toAgent to drain. */
  private drainWaiters: Array<(error?: Error) => void> = [];
  /** Callers of peakMemoryBytes, answered in order (the agent answers MEMORY frames in order). */
  private memoryWaiters: Array<(bytes: number | undefined) => void> = [];

  constructor(
    fromAgent: Readable,
    private readonly toAgent: Writable,
    private readonly handlers: AgentChannelHandlers,
    options: AgentChannelOptions = {},
  ) {
    this.maxPendingBytes = options.maxPendingBytes ?? MAX_PENDING_BYTES;
    this.hello = new Promise((resolve, reject) => {
      this.resolveHello = resolve;
      this.rejectHello = reject;
    });
    this.hello.catch(() => undefined); // a caller that never asks is not an unhandled rejection
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    fromAgent.on("data", (chunk: Buffer) => this.receive(chunk));
    fromAgent.once("end", () => this.inputEnded());
    fromAgent.once("close", () => this.inputEnded());
    fromAgent.on("error", (error) => this.inputEnded(error));
    toAgent.on("drain", () => this.drained());
    toAgent.on("error", (error) => this.outputBroken(error));
    toAgent.once("close", () => this.outputBroken(new Error("the agent's input closed")));
  }

  /** Streams open now (either side). */
  get openStreams(): number {
    return this.streams.size;
  }

  /**
   * Opens a connection to `port` on the instance's 127.0.0.1 (a debugger, a web function's
   * port): resolves when the agent says it connected (OPEN back with the stream's id), rejects
   * when it refuses (RESET).
   */
  connect(port: number): Promise<Duplex> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return Promise.reject(new RangeError(`not a port: ${port}`));
    if (this.outputDone || this.inputDone) return Promise.reject(new Error(`cannot connect to port ${port}: the agent channel is closed`));
    const stream = new AgentStream(this, this.nextId);
    this.nextId += 2;
    this.streams.set(stream.id, stream);
    return new Promise<Duplex>((resolve, reject) => {
      stream.connecting = { port, resolve, reject };
      this.send(FrameType.OPEN, stream.id, Buffer.from(String(port), "ascii"));
    });
  }

  /**
   * The instance's peak memory in bytes, as the agent measures it (its cgroup's peak in a container):
   * undefined when it cannot tell, or the channel is closed.
   */
  peakMemoryBytes(): Promise<number | undefined> {
    if (this.outputDone || this.inputDone) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.memoryWaiters.push(resolve);
      this.send(FrameType.MEMORY, 0);
    });
  }

  /**
   * Ends the agent's input: the lease. The agent kills the runtime and exits. Open streams are
   * destroyed (their bytes can no longer go out).
   */
  close(): void {
    if (this.outputDone) return;
    this.outputDone = true;
    this.toAgent.end();
    this.failDrainWaiters(new Error("the agent channel is closed"));
    this.dropStreams(new Error("the agent channel was closed"));
  }

  // -- Frames out -------------------------------------------------------------------------

  /** Writes one frame; false when toAgent wants a drain first (or the channel is closed). */
  private send(type: FrameType, stream: number, payload?: Buffer): boolean {
    if (this.outputDone) return false;
    const header = frameHeader(type, stream, payload?.length ?? 0);
    if (!payload?.length) return this.toAgent.write(header);
    this.toAgent.cork();
    this.toAgent.write(header);
    const ok = this.toAgent.write(payload);
    this.toAgent.uncork();
    return ok;
  }

  /** A stream's bytes, as DATA frames of at most MAX_DATA_BYTES; `done` once toAgent took them. */
  sendData(stream: AgentStream, chunk: Buffer, done: (error?: Error | null) => void): void {
    if (this.outputDone || stream.gone) return done(new Error(`stream ${stream.id} of the agent channel is closed`));
    let ok = true;
    this.toAgent.cork();
    for (let offset = 0; offset < chunk.length; offset += MAX_DATA_BYTES) {
      const piece = chunk.subarray(offset, offset + MAX_DATA_BYTES);
      this.toAgent.write(frameHeader(FrameType.DATA, stream.id, piece.length));
      ok = this.toAgent.write(piece);
    }
    this.toAgent.uncork();
    if (ok) done();
    else this.drainWaiters.push(done);
  }

  sendEnd(stream: AgentStream): void {
    this.send(FrameType.END, stream.id);
    this.forgetIfDone(stream);
  }

  /** The consumer destroyed a stream (or it ended both ways): RESET unless it is already gone. */
  streamDestroyed(stream: AgentStream, error: Error | null): void {
    if (this.streams.get(stream.id) !== stream) return;
    this.streams.delete(stream.id);
    if (stream.connecting) this.settleConnect(stream, error ?? new Error(`the connection to port ${stream.connecting.port} was destroyed`));
    if (stream.gone || (stream.sentEnd && stream.receivedEnd)) return;
    stream.gone = true;
    this.send(FrameType.RESET, stream.id, error ? Buffer.from(error.message.slice(0, 512), "utf8") : undefined);
  }

  private drained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const done of waiters) done();
  }

  private failDrainWaiters(error: Error): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const done of waiters) done(error);
  }

  /** The agent's stdin failed or closed (the container went): nothing can go out any more. */
  private outputBroken(error: Error): void {
    if (this.outputDone) return;
    this.outputDone = true;
    this.failDrainWaiters(error);
    this.dropStreams(error);
  }

  // -- Frames in --------------------------------------------------------------------------

  private receive(chunk: Buffer): void {
    if (this.inputDone) return;
    try {
      for (const frame of this.decoder.push(chunk)) {
        this.handle(frame);
        if (this.inputDone) return;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.protocolError(error);
    }
  }

  private handle(frame: Frame): void {
    const { type, stream: id, payload } = frame;
    const name = frameTypeName(type);
    switch (type) {
      case FrameType.HELLO:
      case FrameType.STDOUT:
      case FrameType.STDERR:
      case FrameType.EXIT:
      case FrameType.MEMORY:
        if (id !== 0) throw new ProtocolError(`${name} on stream ${id}: it belongs to no stream (0)`);
        break;
      default:
        if (id === 0) throw new ProtocolError(`${name} on stream 0`);
        if (!this.helloSeen) throw new ProtocolError(`${name} on stream ${id} before HELLO`);
    }
    switch (type) {
      case FrameType.HELLO:
        return this.onHello(payload);
      case FrameType.STDOUT:
        return this.handlers.onOutput?.("stdout", payload);
      case FrameType.STDERR:
        return this.handlers.onOutput?.("stderr", payload);
      case FrameType.EXIT:
        return this.onExit(payload);
      case FrameType.MEMORY: {
        const answer = this.memoryWaiters.shift();
        if (!answer) throw new ProtocolError("a MEMORY frame nobody asked for");
        const bytes = /^\d+$/.test(payload.toString("ascii")) ? Number(payload.toString("ascii")) : undefined;
        return answer(bytes);
      }
      case FrameType.OPEN:
        return this.onOpen(id);
    }
    const stream = this.streams.get(id);
    if (!stream) {
      // A stream we RESET or dropped may still have frames on their way: they are dropped too.
      if (id % 2 === 1 ? id <= this.highestAgentId : id < this.nextId) return;
      throw new ProtocolError(`${name} on stream ${id}, which was never opened`);
    }
    switch (type) {
      case FrameType.DATA:
        if (stream.receivedEnd) throw new ProtocolError(`DATA on stream ${id} after its END`);
        if (stream.connecting) throw new ProtocolError(`DATA on stream ${id} before its OPEN`);
        if (!stream.deliver(payload)) {
          this.reset(stream, `the emulator's side of stream ${id} is not reading: over ${this.maxPendingBytes} bytes pending`);
        }
        return;
      case FrameType.END:
        if (stream.receivedEnd) return;
        if (stream.connecting) throw new ProtocolError(`END on stream ${id} before its OPEN`);
        stream.receivedEnd = true;
        stream.deliver(null);
        return this.forgetIfDone(stream);
      case FrameType.RESET: {
        const reason = payload.toString("utf8") || "reset by the agent";
        this.streams.delete(id);
        stream.gone = true;
        if (stream.connecting) {
          this.settleConnect(stream, new Error(`cannot connect to port ${stream.connecting.port} in the instance: ${reason}`));
          stream.destroy();
        } else {
          stream.destroy(Object.assign(new Error(`stream ${id} reset by the agent: ${reason}`), { code: "ECONNRESET" }));
        }
        return;
      }
    }
  }

  private onHello(payload: Buffer): void {
    if (this.helloSeen) throw new ProtocolError("a second HELLO");
    const hello = parseJson(payload, "HELLO") as Partial<AgentHello>;
    if (hello.version !== PROTOCOL_VERSION) {
      throw new ProtocolError(`the agent speaks version ${String(hello.version)} of the protocol, the emulator ${PROTOCOL_VERSION}: rebuild the agent (bash scripts/build-agent.sh)`);
    }
    if (!Number.isInteger(hello.pid)) throw new ProtocolError(`HELLO without the runtime's pid: ${payload.toString("utf8")}`);
    this.helloSeen = { version: hello.version, pid: hello.pid! };
    this.resolveHello(this.helloSeen);
  }

  private onExit(payload: Buffer): void {
    const exit = parseJson(payload, "EXIT") as { code?: unknown; signal?: unknown };
    if (Number.isInteger(exit.code)) this.exit = { code: exit.code as number };
    else if (typeof exit.signal === "string" && exit.signal) this.exit = { signal: exit.signal };
    else throw new ProtocolError(`EXIT without a code or a signal: ${payload.toString("utf8")}`);
    this.handlers.onExit?.(this.exit);
  }

  private onOpen(id: number): void {
    if (id % 2 === 0) return this.onConnected(id);
    if (id <= this.highestAgentId) throw new ProtocolError(`the agent opened stream ${id} again (ids increase and are not reused)`);
    this.highestAgentId = id;
    const stream = new AgentStream(this, id);
    this.streams.set(id, stream);
    this.handlers.onRuntimeConnection(stream);
  }

  /** RESETs a stream from our side (a consumer too slow). */
  private reset(stream: AgentStream, reason: string): void {
    stream.destroy(Object.assign(new Error(reason), { code: "ECONNRESET" })); // streamDestroyed sends the RESET
  }

  /** Both sides sent END: the stream is gone for the protocol (the Duplex ends as its consumer reads). */
  private forgetIfDone(stream: AgentStream): void {
    if (stream.sentEnd && stream.receivedEnd && this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
  }

  /** OPEN with an even id: the agent's connect for our OPEN of that id succeeded, connect() resolves. */
  private onConnected(id: number): void {
    const stream = this.streams.get(id);
    if (stream?.connecting) return this.settleConnect(stream);
    if (stream) throw new ProtocolError(`the agent acknowledged stream ${id} again`);
    // A stream we gave up on (destroyed, RESET) while the agent connected: its ack is dropped.
    if (id < this.nextId) return;
    throw new ProtocolError(`the agent acknowledged stream ${id}, which the emulator never opened (the agent's own ids are odd)`);
  }

  private settleConnect(stream: AgentStream, error?: Error): void {
    const connecting = stream.connecting;
    if (!connecting) return;
    stream.connecting = undefined;
    if (error) connecting.reject(error);
    else connecting.resolve(stream);
  }

  private protocolError(error: ProtocolError): void {
    const wrapped = new Error(`agent protocol error: ${error.message}`, { cause: error });
    this.inputDone = true;
    this.rejectHello(wrapped);
    this.handlers.onProtocolError?.(wrapped);
    // The agent cannot be trusted any more: the lease ends, so it kills the runtime.
    this.close();
    this.resolveEnded(this.exit);
  }

  private inputEnded(error?: Error): void {
    if (this.inputDone) return;
    try {
      this.decoder.end();
    } catch (truncated) {
      return this.protocolError(truncated as ProtocolError);
    }
    this.inputDone = true;
    const why = error ? `the agent's output failed: ${error.message}` : "the agent's output ended";
    this.rejectHello(new Error(`${why} before its HELLO`));
    this.dropStreams(Object.assign(new Error(why), { code: "ECONNRESET" }));
    this.resolveEnded(this.exit);
  }

  /** Every open stream is gone with `error` (no RESET goes out); no MEMORY answer will come. */
  private dropStreams(error: Error): void {
    for (const answer of this.memoryWaiters.splice(0)) answer(undefined);
    for (const stream of [...this.streams.values()]) {
      this.streams.delete(stream.id);
      stream.gone = true;
      if (stream.connecting) {
        this.settleConnect(stream, error);
        stream.destroy();
      } else {
        stream.destroy(error);
      }
    }
  }
}

function parseJson(payload: Buffer, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(payload.toString("utf8")) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new ProtocolError(`${what} payload is not a JSON object: ${payload.toString("utf8").slice(0, 200)}`);
}
