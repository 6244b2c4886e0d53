// Which local port each function URL answers on, kept in the project's .faasbox folder so that a
// URL stays the same across restarts, as a cloud URL "never changes" once created
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html). A user may edit the file to
// pin a port.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const URL_PORTS_FILE = join(".faasbox", "function-url-ports.json");

export class UrlPorts {
  private readonly file: string;
  private ports: Record<string, number>;

  constructor(root: string) {
    this.file = join(root, URL_PORTS_FILE);
    this.ports = readPorts(this.file);
  }

  /** The port remembered for the function, if any. */
  get(name: string): number | undefined {
    return this.ports[name];
  }

  remember(name: string, port: number): void {
    if (this.ports[name] === port) return;
    this.ports = { ...this.ports, [name]: port };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, `${JSON.stringify(this.ports, null, 2)}\n`);
    } catch {
      // A read-only project still serves its URLs; they just move at the next start.
    }
  }
}

/** A missing or unreadable file remembers nothing; entries that are not ports are dropped. */
function readPorts(file: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter(([, port]) => Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536)) as Record<string, number>;
}
