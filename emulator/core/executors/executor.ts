import type { FunctionSpec } from "../../project/spec";

export type ExecutorKind = "docker" | "process";

export interface LaunchRequest {
  instanceId: string;
  spec: FunctionSpec;
  /** The image for the function's runtime (docker only). */
  image: string;
  env: Record<string, string>;
  command: string[];
  /** Where the code appears to the runtime: /var/task, /var/user, or the host folder for `process`. */
  codeRoot: string;
  labels: Record<string, string>;
  /** A host folder with the `debugpy` package, for the runtime to import (debug instances only). */
  debugpyDir?: string;
  onOutput: (stream: "stdout" | "stderr", chunk: Buffer) => void;
}

export interface ExitInfo {
  exitCode: number | null;
  signal?: string;
  oomKilled: boolean;
}

export interface LaunchedInstance {
  /** Settles once, when the process or container has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Stops it now and removes what it left (container); idempotent. */
  kill(): Promise<void>;
}

/** Starts one instance of a function: a container, or a child process on the host. */
export interface Executor {
  readonly kind: ExecutorKind;
  /** False for `process`: wherever it is shown, the user must see the function is not isolated. */
  readonly isolated: boolean;
  /** Where the shims live as the runtime sees them. */
  readonly shimRoot: string;
  /** Host the runtime uses to reach the emulator's runtime API. */
  readonly runtimeApiHost: string;
  codeRootFor(spec: FunctionSpec): string;
  /**
   * The uid that owns the sockets of this instance's runtime, the only caller its runtime
   * API admits; undefined where the host cannot see the runtime's sockets (no check).
   */
  runtimeUidFor?(instanceId: string): number | undefined;
  launch(request: LaunchRequest): Promise<LaunchedInstance>;
  close(): Promise<void>;
}
