import { withRetry } from "./retry";
import type { ScfClient } from "./scfClient";
import { isScfThrottle, mapScfError, scfErrorCode, type ScfErrorContext } from "./scfErrors";
import type { ProgressReporter, Timing } from "./types";

/**
 * The SCF client with what every call needs: retries while SCF throttles, then the
 * error turned into a DeployError that says what to do (and never shows the key).
 */
export class ScfApi {
  constructor(
    readonly client: ScfClient,
    private readonly context: Omit<ScfErrorContext, "action" | "retries">,
    private readonly timing: Timing,
  ) {}

  async call<T>(action: string, run: (client: ScfClient) => Promise<T>, progress?: ProgressReporter): Promise<T> {
    try {
      return await withRetry(() => run(this.client), isScfThrottle, this.timing, (attempt, delayMs, error) =>
        progress?.(`SCF is throttling requests (${scfErrorCode(error)}); retrying ${action} in ${(delayMs / 1000).toFixed(1)} s (${attempt}/${this.timing.retries})`),
      );
    } catch (error) {
      throw mapScfError(error, { ...this.context, action, retries: this.timing.retries });
    }
  }
}

/** SCF says a function is missing with ResourceNotFound.Function (older answers: .FunctionName). */
export function isScfFunctionMissing(error: unknown): boolean {
  const code = scfErrorCode(error) ?? (error as { cloudCode?: string }).cloudCode;
  return code === "ResourceNotFound.Function" || code === "ResourceNotFound.FunctionName";
}
