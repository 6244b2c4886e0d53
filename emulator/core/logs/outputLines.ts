export type OutputStream = "stdout" | "stderr";

/**
 * A process's output as lines, per stream: chunks end anywhere, so the text after a chunk's last
 * newline waits for the next chunk, or for `flush()` when the process is done.
 */
export class OutputLines {
  private readonly partial: Record<OutputStream, string> = { stdout: "", stderr: "" };

  constructor(private readonly onLine: (stream: OutputStream, line: string) => void) {}

  push(stream: OutputStream, chunk: Buffer): void {
    const lines = (this.partial[stream] + chunk.toString("utf8")).split("\n");
    this.partial[stream] = lines.pop() ?? "";
    for (const line of lines) this.onLine(stream, line);
  }

  /** Gives the unfinished last lines as they are. */
  flush(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.partial[stream];
      this.partial[stream] = "";
      if (rest) this.onLine(stream, rest);
    }
  }
}
