/** An SCF API error: answered as {"Response": {"Error": {"Code", "Message"}, "RequestId"}}. */
export class ScfApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Params = Record<string, unknown>;

/** Tencent Cloud API rejects parameters an action does not define (UnknownParameter). */
export function allowOnly(params: Params, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) throw new ScfApiError("UnknownParameter", `The parameter \`${key}\` is not recognized.`);
  }
}

export function requireString(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === null) throw new ScfApiError("MissingParameter", `The request is missing a required parameter \`${name}\`.`);
  if (typeof value !== "string") throw new ScfApiError("InvalidParameter", `The value type of parameter \`${name}\` is not valid: expected a string.`);
  return value;
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new ScfApiError("InvalidParameter", `The value type of parameter \`${name}\` is not valid: expected a string.`);
  return value;
}

export function optionalInteger(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new ScfApiError("InvalidParameter", `The value type of parameter \`${name}\` is not valid: expected an integer.`);
  return value;
}

export function optionalObject(params: Params, name: string): Params | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ScfApiError("InvalidParameter", `The value type of parameter \`${name}\` is not valid: expected an object.`);
  }
  return value as Params;
}
