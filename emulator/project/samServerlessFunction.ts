import { collectProblem } from "./errors";
import { propertyWithGlobals, type ManifestFunction } from "./manifestFunction";
import { codeOwner, serverlessCode } from "./samCode";
import { readEvent } from "./samEvents";
import { readUrlConfig } from "./functionUrlConfig";
import type { FunctionScope } from "./samFunctionScope";
import { samFunctionSpec } from "./samFunctionSpec";
import { readImageFunction } from "./samImage";
import { unresolvedIntrinsic } from "./samResolution";
import type { TriggerSpec } from "./spec";
import type { YamlField } from "./yamlSource";

/** One AWS::Serverless::Function, Globals.Function filling in what it leaves out. */
export function readServerlessFunction(logicalId: string, resource: YamlField, globals: YamlField, where: FunctionScope): ManifestFunction {
  const properties = resource.child("Properties");
  if (properties.isSet && !properties.isMap()) throw properties.wrongType("a map of function properties");
  const property = (key: string) => propertyWithGlobals(properties, globals, key);
  // What the function uses and cannot be resolved (a parameter with no value...) leaves it out, saying where.
  for (const used of [properties, ...globals.entries().filter(([key]) => !properties.child(key).isSet).map(([, value]) => value)]) {
    const unresolved = unresolvedIntrinsic(used, where.scope);
    if (unresolved) throw unresolved;
  }

  const image = property("PackageType").value === "Image" ? readImageFunction(resource, property, where.context) : undefined;

  const triggers: TriggerSpec[] = [];
  for (const [eventName, event] of properties.child("Events").entries("a map of events")) {
    const trigger = collectProblem(
      where.problems,
      () => readEvent(eventName, event, where.scope, where.context.warn, where.apis, where.context.env),
      () => event.ref,
    );
    if (trigger) triggers.push(trigger);
  }
  // Its function URL (Globals.Function may give it): a mistake in it is reported, the function still loads.
  const urlConfig = property("FunctionUrlConfig");
  if (urlConfig.isSet) {
    const url = collectProblem(where.problems, () => readUrlConfig(urlConfig, "FunctionUrlConfig"), () => urlConfig.ref);
    if (url) triggers.push(url);
  }

  return samFunctionSpec(
    {
      logicalId,
      resource,
      property,
      propertyLayers: [globals, properties],
      environmentLayers: [globals, properties],
      code: (family) => serverlessCode(property("CodeUri"), property("InlineCode"), family, codeOwner(where.context, logicalId)),
      triggers,
      // An image holds its own /opt: layers do not apply (samImage warns about them).
      layers: image ? [] : where.layers.forFunction([globals, properties]),
      image,
    },
    where,
  );
}
