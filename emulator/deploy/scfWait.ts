import type { GetFunctionResponse } from "tencentcloud-sdk-nodejs-scf/tencentcloud/services/scf/v20180416/scf_models";
import { DeployError } from "./errors";
import { sleep } from "./retry";
import type { ScfApi } from "./scfApi";
import type { ProgressReporter, Timing } from "./types";

/**
 * Polls GetFunction until the function is Active. SCF refuses code and configuration
 * changes while a function is Creating or Updating (FailedOperation.UpdateFunctionCode),
 * and a status ending in "Failed" means the last change did not take.
 */
export async function waitForScfActive(
  api: ScfApi,
  functionName: string,
  namespace: string,
  timing: Timing,
  consoleUrl: string,
  progress?: ProgressReporter,
): Promise<GetFunctionResponse> {
  const deadline = Date.now() + timing.waitTimeoutMs;
  let reported = "";
  for (;;) {
    const current = await api.call("GetFunction", (c) => c.GetFunction({ FunctionName: functionName, Namespace: namespace }), progress);
    const status = current.Status ?? "";
    if (status === "Active") return current;
    if (/Failed$/.test(status)) {
      const reasons = (current.StatusReasons ?? []).map((r) => `${r.ErrorCode}: ${r.ErrorMessage}`).join("; ");
      throw new DeployError(
        "cloud",
        `SCF reports ${functionName} as ${status}${current.StatusDesc ? ` (${current.StatusDesc})` : ""}${reasons ? `: ${reasons}` : ""}. See the function's page: ${consoleUrl}`,
        status,
      );
    }
    if (status !== reported) {
      progress?.(`waiting for ${functionName} to become Active (now ${status || "unknown"})`);
      reported = status;
    }
    if (Date.now() + timing.pollMs > deadline) {
      throw new DeployError(
        "timeout",
        `${functionName} is still ${status} after ${seconds(timing.waitTimeoutMs)} s; SCF may be slow. Check its page (${consoleUrl}) and deploy again once it is Active.`,
      );
    }
    await sleep(timing.pollMs);
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}
