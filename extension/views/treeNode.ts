// What each item of the Functions view stands for: a leaf module, so the commands that
// receive tree items (commandIds.ts) and the tree that makes them need not import each other.
import type { InvocationSummary, TriggerSpec } from "../../emulator/protocol";

export type TreeNode =
  | { kind: "manifest"; file: string }
  | { kind: "function"; name: string }
  | { kind: "trigger"; function: string; trigger: TriggerSpec; index: number }
  | { kind: "invocation"; function: string; summary: InvocationSummary }
  | { kind: "problem"; message: string; severity: "error" | "warning" };
