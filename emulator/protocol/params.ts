import { ResponseError } from "vscode-jsonrpc/node";
import { ErrorCodes } from "./index";

type Kind = "string" | "number" | "boolean" | "object";

/** Checks a method's params and names the one that is wrong, as JSON-RPC InvalidParams. */
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

  raw(name: string): unknown {
    return this.value[name];
  }
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}
