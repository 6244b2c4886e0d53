import type { RuntimeHere } from "../protocol";

/**
 * The runtime as the function list and the tree show it: the declared name, with what runs
 * instead when that differs (`nodejs24.x → Node.js 20.20.2 here`), so no one reads a
 * version that is not the one running.
 */
export function runtimeLabel(runtime: string, here: RuntimeHere | undefined): string {
  if (!here?.notices.length) return here?.version ? `${runtime} (${here.version})` : runtime;
  return here.version ? `${runtime} → ${here.version} here (!)` : `${runtime} (!)`;
}
