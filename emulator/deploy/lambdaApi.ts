import type { LambdaClient } from "@aws-sdk/client-lambda";
import { awsErrorName, isLambdaThrottle, mapLambdaError, type LambdaErrorContext } from "./lambdaErrors";
import { withRetry } from "./retry";
import type { ProgressReporter, Timing } from "./types";

/**
 * The Lambda client with what every call needs: retries while Lambda throttles (and,
 * for the calls that ask, in other passing situations), then the error turned into a
 * DeployError that says what to do and never shows the key.
 */
export class LambdaApi {
  constructor(
    readonly client: LambdaClient,
    readonly context: Omit<LambdaErrorContext, "action" | "retries">,
    private readonly timing: Timing,
  ) {}

  async call<T>(
    action: string,
    run: (client: LambdaClient) => Promise<T>,
    progress?: ProgressReporter,
    alsoRetry: (error: unknown) => boolean = () => false,
  ): Promise<T> {
    try {
      return await withRetry(
        () => run(this.client),
        (error) => isLambdaThrottle(error) || alsoRetry(error),
        this.timing,
        (attempt, delayMs, error) =>
          progress?.(`Lambda answered ${awsErrorName(error) ?? "an error"} to ${action}; retrying in ${(delayMs / 1000).toFixed(1)} s (${attempt}/${this.timing.retries})`),
      );
    } catch (error) {
      throw mapLambdaError(error, { ...this.context, action, retries: this.timing.retries });
    }
  }
}

export function isLambdaNotFound(error: unknown): boolean {
  return awsErrorName(error) === "ResourceNotFoundException" || (error as { cloudCode?: string }).cloudCode === "ResourceNotFoundException";
}
