import { resolveImages } from "../config/images";
import type { FunctionSpec, ProjectSpec } from "../project/spec";

/**
 * The image a function's dependencies are installed in: the image it runs in, so native
 * modules are built for it. The one place `faasbox build` chooses it, so that images per
 * runtime version (chosen by the engine) can be swapped in here too.
 */
export function buildImageFor(spec: FunctionSpec, project: Pick<ProjectSpec, "images">): string {
  return spec.image ?? resolveImages(project.images)[spec.family].image;
}
