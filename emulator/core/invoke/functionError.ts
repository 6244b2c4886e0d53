import type { Dialect, FailureKind, FunctionError } from "../../protocol";

export interface Failure {
  kind: FailureKind;
  error: FunctionError;
}

/** Platform errors in each cloud's wording. */
export const platformErrors = {
  timeout(dialect: Dialect, requestId: string, timeoutSec: number): Failure {
    return {
      kind: "timeout",
      error: dialect === "aws"
        ? { errorType: "Sandbox.Timedout", errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSec.toFixed(2)} seconds` }
        : { errorType: "TimeLimitExceeded", errorMessage: `Invoking task timed out after ${timeoutSec} seconds` },
    };
  },
  outOfMemory(dialect: Dialect, requestId: string, memoryMb: number): Failure {
    return {
      kind: "oom",
      error: dialect === "aws"
        ? { errorType: "Runtime.OutOfMemory", errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed (memory limit of ${memoryMb} MB exceeded)` }
        : { errorType: "MemoryLimitExceeded", errorMessage: `Memory limit exceeded: the function used more than ${memoryMb} MB and was killed` },
    };
  },
  exited(dialect: Dialect, requestId: string, exitCode: number | null, signal?: string): Failure {
    const how = signal ? `signal: ${signal}` : `exit status ${exitCode}`;
    return {
      kind: "exit",
      error: dialect === "aws"
        ? { errorType: "Runtime.ExitError", errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${how}` }
        : { errorType: "RuntimeExited", errorMessage: `The function's process exited during the invocation (${how})` },
    };
  },
  throttled(dialect: Dialect, functionName: string, maxConcurrency: number): Failure {
    return {
      kind: "throttle",
      error: dialect === "aws"
        ? { errorType: "TooManyRequestsException", errorMessage: `Rate Exceeded. ${functionName} is at its concurrency limit of ${maxConcurrency} and its wait queue is full.` }
        : { errorType: "ResourceLimitReached", errorMessage: `TooManyRequests: ${functionName} reached its concurrency limit of ${maxConcurrency} and its wait queue is full.` },
    };
  },
};
