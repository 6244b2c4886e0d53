import { GetFunctionCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from "@aws-sdk/client-lambda";
import { DeployError } from "./errors";
import type { LambdaApi } from "./lambdaApi";
import type { ProgressReporter, Timing } from "./types";

/**
 * Waits with the SDK's own waiters: FunctionActiveV2 (State Pending → Active) after a
 * create, FunctionUpdatedV2 (LastUpdateStatus InProgress → Successful) after each update,
 * because Lambda refuses a second change while one is in progress. A failed or timed-out
 * wait is reported with Lambda's own reason.
 */
export async function waitForLambda(
  api: LambdaApi,
  what: "active" | "updated",
  timing: Timing,
  consoleUrl: string,
  progress?: ProgressReporter,
): Promise<void> {
  const name = api.context.functionName;
  progress?.(what === "active" ? `waiting for ${name} to become Active` : `waiting for the update of ${name} to finish`);
  const minDelay = timing.pollMs / 1000;
  const params = { client: api.client, maxWaitTime: Math.max(timing.waitTimeoutMs / 1000, minDelay * 2), minDelay, maxDelay: minDelay * 10 };
  const waiter = what === "active" ? waitUntilFunctionActiveV2 : waitUntilFunctionUpdatedV2;
  try {
    await waiter(params, { FunctionName: name });
  } catch (error) {
    if ((error as Error).name === "TimeoutError") {
      throw new DeployError("timeout", `${name} was not ${what === "active" ? "Active" : "updated"} after ${seconds(timing.waitTimeoutMs)} s; check it in the console (${consoleUrl}) and deploy again.`);
    }
    const current = await api.call("GetFunction", (c) => c.send(new GetFunctionCommand({ FunctionName: name })));
    const config = current.Configuration;
    const reason = what === "active" ? (config?.StateReason ?? config?.State) : (config?.LastUpdateStatusReason ?? config?.LastUpdateStatus);
    throw new DeployError("cloud", `Lambda could not ${what === "active" ? "start" : "update"} ${name}: ${reason ?? "no reason given"}. See ${consoleUrl}`);
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}
