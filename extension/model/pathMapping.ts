import { isAbsolute, join } from "node:path";
import type { FunctionInfo } from "../../emulator/protocol";

/** Where a function's code appears inside its container, per dialect. */
const CONTAINER_ROOTS = ["/var/task", "/var/user"];

/** A path as the function printed it (a container path) → the file in the workspace. */
export function toWorkspacePath(fn: Pick<FunctionInfo, "codeDir"> | undefined, path: string): string {
  for (const root of CONTAINER_ROOTS) {
    if (fn && (path === root || path.startsWith(`${root}/`))) return join(fn.codeDir, path.slice(root.length));
  }
  return isAbsolute(path) || !fn ? path : join(fn.codeDir, path);
}

/** Rewrites every container path in a log line, so the Output view links them to workspace files. */
export function mapLinePaths(fn: Pick<FunctionInfo, "codeDir"> | undefined, line: string): string {
  if (!fn) return line;
  return line.replace(/\/var\/(task|user)(?=\/)/g, fn.codeDir);
}

export interface StackFrameLink {
  start: number;
  end: number;
  path: string;
  line: number;
  column?: number;
}

const NODE_FRAME = /((?:\/[\w.@+-]+)+\.(?:[cm]?js|ts|tsx|jsx|mjs|cjs)):(\d+)(?::(\d+))?/g;
const PYTHON_FRAME = /File "([^"]+)", line (\d+)/g;

/** Stack-frame references in a line of text, with their positions. */
export function findStackFrames(text: string): StackFrameLink[] {
  const frames: StackFrameLink[] = [];
  for (const match of text.matchAll(NODE_FRAME)) {
    frames.push({ start: match.index!, end: match.index! + match[0].length, path: match[1], line: Number(match[2]), column: match[3] ? Number(match[3]) : undefined });
  }
  for (const match of text.matchAll(PYTHON_FRAME)) {
    frames.push({ start: match.index!, end: match.index! + match[0].length, path: match[1], line: Number(match[2]) });
  }
  return frames;
}
