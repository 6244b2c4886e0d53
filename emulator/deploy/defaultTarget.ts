import type { FunctionSpec } from "../project/spec";
import type { DeployTarget } from "./types";

/** A function goes to the cloud its manifest was written for unless told otherwise. A leaf: no cloud SDK behind it. */
export function defaultTarget(spec: Pick<FunctionSpec, "dialect">): DeployTarget {
  return spec.dialect === "scf" ? "scf" : "lambda";
}
