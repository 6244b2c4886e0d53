/** What went wrong, so the editor can offer the right way out (e.g. "set credentials"). */
export type DeployErrorKind =
  | "credentials"
  | "permission"
  | "quota"
  | "throttled"
  | "network"
  | "runtime"
  | "size"
  | "config"
  | "conflict"
  | "timeout"
  | "cloud";

/**
 * A deploy failure whose message is meant for the user as is: what happened and what to
 * do. The cloud's own code and request id are kept apart, for a support ticket.
 */
export class DeployError extends Error {
  constructor(
    readonly kind: DeployErrorKind,
    message: string,
    readonly cloudCode?: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = "DeployError";
  }
}

/** How many problems a packaging error lists before it only counts the rest. */
const PROBLEMS_SHOWN = 20;

/**
 * Files of a code folder that cannot go into the zip: each problem starts with the file's
 * path relative to the code folder and says what to do. Nothing is packaged while any is left.
 */
export class PackagingError extends DeployError {
  constructor(
    /** The code folder, absolute. */
    readonly codeDir: string,
    /** "PATH: what is wrong. What to do", PATH relative to the code folder. */
    readonly problems: readonly string[],
    /** The function, when known, to start the message with. */
    functionName?: string,
  ) {
    const count = problems.length === 1 ? "1 file" : `${problems.length} files`;
    const shown = problems.slice(0, PROBLEMS_SHOWN).map((problem) => `\n  ${problem}`);
    const more = problems.length > PROBLEMS_SHOWN ? [`\n  …and ${problems.length - PROBLEMS_SHOWN} more`] : [];
    const heading = `${functionName ? `${functionName}: ` : ""}nothing was packaged: ${count} in ${codeDir} cannot go into the zip (paths are relative to that folder):`;
    super("config", [heading, ...shown, ...more].join(""));
    this.name = "PackagingError";
  }
}

/** Node's own network failures: the cloud was never reached, whatever the request. */
const NETWORK_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "UND_ERR_CONNECT_TIMEOUT"]);

/** The network code inside an error or its causes (SDKs wrap them), if any. */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string") {
      const found = [...NETWORK_CODES].find((c) => message.includes(c));
      if (found) return found;
      if (/network timeout|socket hang up|timed? ?out/i.test(message)) return "ETIMEDOUT";
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function networkError(service: string, endpoint: string, code: string): DeployError {
  const what =
    code === "ENOTFOUND" || code === "EAI_AGAIN"
      ? `the name ${endpoint} does not resolve`
      : code === "ECONNREFUSED"
        ? `${endpoint} refused the connection`
        : code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT"
          ? `${endpoint} did not answer in time`
          : `the connection to ${endpoint} failed (${code})`;
  return new DeployError(
    "network",
    `cannot reach ${service}: ${what}. Check this machine's internet connection, proxy (HTTPS_PROXY) and firewall, then deploy again.`,
    code,
  );
}
