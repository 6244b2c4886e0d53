import { ManifestWarning } from "./errors";
import type { ManifestFunction, ManifestResult, ReadContext } from "./manifestFunction";
import type { SamApis } from "./samApis";
import { loadDefinition, readOperations, type ApiOperation } from "./samOpenApi";
import type { TemplateScope } from "./samIntrinsics";
import { collectProblem } from "./errors";
import type { HttpRoute } from "./spec";
import type { YamlField } from "./yamlSource";

/** Every operation of every API definition in the template (read before the functions, since it adds binary media types to the APIs). */
export function definitionOperations(apis: SamApis, templateDir: string, scope: TemplateScope, result: ManifestResult, warn: ReadContext["warn"]): ApiOperation[] {
  const warnAt = (field: YamlField, message: string) => warn(ManifestWarning.at(field.ref, message));
  return apis.withDefinitions().flatMap(
    (api) =>
      collectProblem(
        result.problems,
        () => {
          const definition = loadDefinition(api, templateDir, warnAt);
          return definition ? readOperations(api, definition, scope, result.problems) : [];
        },
        () => (api.property("DefinitionBody").isSet ? api.property("DefinitionBody") : api.property("DefinitionUri")).ref,
      ) ?? [],
  );
}

/**
 * Gives each function the routes definitions integrate with it, and lists the routes no function
 * answers as unserved (they answer 501 saying why). A route an event of the function declares on
 * the same API already is not doubled: SAM merges such events into the definition.
 */
export function bindOperations(operations: ApiOperation[], functions: Map<string, ManifestFunction>, failed: readonly string[], result: ManifestResult, warn: ReadContext["warn"]): void {
  for (const { route, target, field } of operations) {
    let reason: string;
    if ("function" in target) {
      const fn = functions.get(target.function);
      if (fn) {
        if (!fn.spec.triggers.some((t) => t.kind === "http" && sameRoute(t, route))) fn.spec.triggers.push(route);
        continue;
      }
      reason = failed.includes(target.function)
        ? `it integrates function ${target.function}, which did not load (see its problem)`
        : `it integrates function ${target.function}, which is not a function of this template`;
    } else {
      reason = target.unsupported;
    }
    (result.unservedRoutes ??= []).push({ route, reason, source: { file: field.ref.file, line: field.ref.line } });
    warn(ManifestWarning.at(field.ref, `${route.method} ${route.path} of ${route.api?.id}: ${reason}; locally it answers 501 with an x-faasbox-error header saying so`));
  }
}

function sameRoute(a: HttpRoute, b: HttpRoute): boolean {
  return a.api?.id === b.api?.id && a.method === b.method && a.path === b.path && !!a.catchAll === !!b.catchAll;
}
