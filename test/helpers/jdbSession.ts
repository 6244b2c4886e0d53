import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

/**
 * The JDK's own command-line debugger, attached to a JDWP port and driven through its prompt: each
 * command is written to its stdin, and `until` waits for a pattern in what it printed since.
 */
export class JdbSession {
  private output = "";
  private seen = 0;
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  static attach(host: string, port: number): JdbSession {
    const child = spawn("jdb", ["-attach", `${host}:${port}`], { stdio: ["pipe", "pipe", "pipe"] });
    child.on("error", (error) => {
      throw new Error(`jdb could not start (${error.message}): it comes with openjdk-17-jdk-headless, which scripts/setup.sh installs`);
    });
    return new JdbSession(child);
  }

  send(command: string): void {
    this.child.stdin.write(`${command}\n`);
  }

  /** What jdb printed after the previous match, up to and including the first match of `pattern`. */
  async until(pattern: RegExp, what: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.seen);
      const match = pattern.exec(rest);
      if (match) {
        const upTo = match.index + match[0].length;
        this.seen += upTo;
        return rest.slice(0, upTo);
      }
      if (this.child.exitCode !== null) throw new Error(`jdb exited (${this.child.exitCode}) before ${what}; it printed:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`jdb did not show ${what} within ${timeoutMs / 1000} s; it printed:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  get transcript(): string {
    return this.output;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      this.send("exit");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
