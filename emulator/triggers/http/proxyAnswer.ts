/** A proxy integration's answer once read: what the gateway then turns into HTTP. */
export interface ProxyAnswer {
  status: number;
  /** Names lower-cased; a name with several values sends one header line per value. */
  headers: Record<string, string | string[]>;
  body: string;
  isBase64Encoded: boolean;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A statusCode as API Gateway takes it: a number, or a string of digits ({"statusCode": "201"}
 * is answered with 201: observed from AWS, https://github.com/localstack/localstack/pull/11199),
 * in the range of HTTP status codes (the docs do not say what happens outside it: Faasbox
 * treats it as malformed). Undefined when it is none of these.
 */
export function readStatusCode(value: unknown): number | undefined {
  const status = typeof value === "number" ? value : typeof value === "string" && /^\d{3}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/** Adds values to a header, after any it already has. */
export function appendHeader(headers: Record<string, string | string[]>, name: string, values: string[]): void {
  const key = name.toLowerCase();
  const existing = headers[key];
  const all = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...values];
  headers[key] = all.length === 1 ? all[0] : all;
}

export function hasHeader(headers: Record<string, string | string[]>, name: string): boolean {
  return headers[name.toLowerCase()] !== undefined;
}
