import { ErrorCodes, protocolError } from "./errors";

type Kind = "string" | "number" | "boolean" | "object";

/**
 * Reads one method's params and names the one that is wrong, as JSON-RPC InvalidParams:
 * a client's mistake gets an answer that says which field and what is expected.
 */
export class Params {
  private readonly value: Record<string, unknown>;

  constructor(private readonly method: string, params: unknown, required = false) {
    if (params === undefined || params === null) {
      if (required) throw invalid(`${method}: params are required`);
      this.value = {};
    } else if (typeof params !== "object" || Array.isArray(params)) {
      throw invalid(`${method}: params must be an object, got ${Array.isArray(params) ? "an array" : typeof params}`);
    } else {
      this.value = params as Record<string, unknown>;
    }
  }

  optional<T>(name: string, kind: Kind): T | undefined {
    const v = this.value[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== kind || (kind === "object" && Array.isArray(v)) || (kind === "number" && !Number.isFinite(v))) {
      throw invalid(`${this.method}: params.${name} must be a ${kind}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  }

  required<T>(name: string, kind: Kind): T {
    const v = this.optional<T>(name, kind);
    if (v === undefined) throw invalid(`${this.method}: params.${name} is required (a ${kind})`);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.optional<string>(name, "string");
    if (v !== undefined && !allowed.includes(v as T)) throw invalid(`${this.method}: params.${name} must be one of ${allowed.join(", ")}, got "${v}"`);
    return v as T | undefined;
  }

  positiveInteger(name: string): number | undefined {
    const v = this.optional<number>(name, "number");
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw invalid(`${this.method}: params.${name} must be a positive integer`);
    return v;
  }

  /** A string that becomes an HTTP header value and a log field: printable ASCII, no spaces, at most 128 characters. */
  token(name: string): string | undefined {
    const v = this.optional<string>(name, "string");
    if (v !== undefined && !/^[\x21-\x7e]{1,128}$/.test(v)) {
      throw invalid(`${this.method}: params.${name} must be 1 to 128 printable ASCII characters without spaces, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  /** A non-empty array of strings. */
  strings(name: string): string[] {
    const v = this.value[name];
    if (!Array.isArray(v) || v.length === 0 || !v.every((m) => typeof m === "string")) {
      throw invalid(`${this.method}: params.${name} must be a non-empty array of strings`);
    }
    return v as string[];
  }

  raw(name: string): unknown {
    return this.value[name];
  }
}

function invalid(message: string) {
  return protocolError(ErrorCodes.InvalidParams, message);
}
