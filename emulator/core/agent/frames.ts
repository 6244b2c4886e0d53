/**
 * The frames of the agent channel (emulator/agent/PROTOCOL.md): a type byte, a big-endian u32
 * stream id, a big-endian u32 payload length (at most 1 MiB), then the payload. Both ways.
 */

export const FrameType = {
  HELLO: 1,
  OPEN: 2,
  DATA: 3,
  END: 4,
  RESET: 5,
  STDOUT: 6,
  STDERR: 7,
  EXIT: 8,
  MEMORY: 9,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(FrameType).map(([name, type]) => [type, name]));

/** The frame type's name (HELLO, DATA...), or `type N` for one the protocol does not know. */
export function frameTypeName(type: number): string {
  return NAMES[type] ?? `type ${type}`;
}

export const HEADER_BYTES = 9;
/** The largest payload a frame may carry. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Stream bytes go in DATA frames of at most this much (both sides). */
export const MAX_DATA_BYTES = 64 * 1024;

export interface Frame {
  type: FrameType;
  /** 0 for frames about no stream (HELLO, STDOUT, STDERR, EXIT, MEMORY). */
  stream: number;
  payload: Buffer;
}

/** A frame that breaks the protocol: the channel cannot go on after it. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

const EMPTY = Buffer.alloc(0);

/** The 9-byte header of a frame (written before its payload, which is not copied). */
export function frameHeader(type: FrameType, stream: number, length: number): Buffer {
  if (length > MAX_PAYLOAD_BYTES) throw new RangeError(`a frame payload is at most ${MAX_PAYLOAD_BYTES} bytes, got ${length}`);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(stream, 1);
  header.writeUInt32BE(length, 5);
  return header;
}

/** One whole frame in one buffer. */
export function encodeFrame(type: FrameType, stream: number, payload: Buffer | string = EMPTY): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  return Buffer.concat([frameHeader(type, stream, body.length), body], HEADER_BYTES + body.length);
}

/**
 * Turns a byte stream cut anywhere (a byte at a time, or many frames in one chunk) into whole
 * frames. A payload that fits in one incoming chunk is a view of it, not a copy. Throws a
 * ProtocolError for an unknown type or a length over MAX_PAYLOAD_BYTES: the stream cannot be
 * resynchronised after that, so the decoder refuses everything after it too.
 */
export class FrameDecoder {
  /** Received bytes not yet taken: chunks[first..] (an index, not shift(): a frame may come in a million pieces). */
  private chunks: Buffer[] = [];
  private first = 0;
  private buffered = 0;
  private header?: { type: FrameType; stream: number; length: number };
  private broken?: ProtocolError;

  /** The frames `chunk` completes, in order (none while a frame is still partial). */
  push(chunk: Buffer): Frame[] {
    if (this.broken) throw this.broken;
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (!this.header) {
        if (this.buffered < HEADER_BYTES) break;
        const head = this.take(HEADER_BYTES);
        const type = head.readUInt8(0);
        const stream = head.readUInt32BE(1);
        const length = head.readUInt32BE(5);
        if (!NAMES[type]) throw this.fail(`unknown frame type ${type} (stream ${stream}, length ${length})`);
        if (length > MAX_PAYLOAD_BYTES) throw this.fail(`a ${frameTypeName(type)} frame of ${length} bytes on stream ${stream}: the limit is ${MAX_PAYLOAD_BYTES}`);
        this.header = { type: type as FrameType, stream, length };
      }
      if (this.buffered < this.header.length) break;
      const { type, stream, length } = this.header;
      this.header = undefined;
      frames.push({ type, stream, payload: length ? this.take(length) : EMPTY });
    }
    return frames;
  }

  /** Bytes received that do not make a whole frame yet. */
  get pendingBytes(): number {
    return this.buffered + (this.header ? HEADER_BYTES : 0);
  }

  /** The input ended: throws when it stopped in the middle of a frame. */
  end(): void {
    if (this.broken) return;
    if (this.pendingBytes > 0) throw this.fail(`the channel ended in the middle of a frame (${this.pendingBytes} bytes of it received)`);
  }

  private fail(message: string): ProtocolError {
    this.broken = new ProtocolError(message);
    this.chunks = [];
    this.first = 0;
    this.buffered = 0;
    return this.broken;
  }

  /** The next `n` buffered bytes (n <= buffered): a view when one chunk holds them. */
  private take(n: number): Buffer {
    this.buffered -= n;
    const head = this.chunks[this.first];
    let out: Buffer;
    if (head.length > n) {
      this.chunks[this.first] = head.subarray(n);
      return head.subarray(0, n);
    }
    if (head.length === n) {
      this.first++;
      out = head;
    } else {
      out = Buffer.allocUnsafe(n);
      let copied = 0;
      while (copied < n) {
        const chunk = this.chunks[this.first];
        const wanted = n - copied;
        if (chunk.length <= wanted) {
          chunk.copy(out, copied);
          copied += chunk.length;
          this.first++;
        } else {
          chunk.copy(out, copied, 0, wanted);
          this.chunks[this.first] = chunk.subarray(wanted);
          copied += wanted;
        }
      }
    }
    // Drop the chunks taken whole.
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first > 1024) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
    return out;
  }
}
