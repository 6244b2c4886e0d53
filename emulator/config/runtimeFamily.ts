/** The runtime families an image serves; every SCF or Lambda runtime name maps to one. */
export type RuntimeFamily = "nodejs" | "python" | "java" | "custom";
export const RUNTIME_FAMILIES: readonly RuntimeFamily[] = ["nodejs", "python", "java", "custom"];
