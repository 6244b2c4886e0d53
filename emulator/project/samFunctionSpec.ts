import type { RuntimeFamily } from "../config/runtimeFamily";
import { localDefaults, readMemory, readRuntime, readTimeout, type ManifestFunction } from "./manifestFunction";
import type { CodeLocation } from "./samCode";
import type { ImageFunctionParts } from "./samImage";
import { readEnvironment } from "./samEnvironment";
import { functionName, type FunctionScope } from "./samFunctionScope";
import { readBehaviourSettings } from "./samFunctionSettings";
import { ignoredPropertyWarnings } from "./samIgnoredProperties";
import { readArchitectures } from "./architecture";
import type { FunctionSpec, TriggerSpec } from "./spec";
import type { YamlField } from "./yamlSource";

/** What differs between AWS::Serverless::Function and AWS::Lambda::Function; the rest is read the same. */
export interface FunctionShape {
  logicalId: string;
  resource: YamlField;
  /** A property as it applies to the function (SAM's with Globals, Lambda's as written). */
  property(key: string): YamlField;
  /** Where the function's properties are written (Globals.Function, Properties), each told of what Faasbox does not use. */
  propertyLayers: YamlField[];
  /** Where `Environment.Variables` come from, later winning. */
  environmentLayers: YamlField[];
  code(family: RuntimeFamily): CodeLocation;
  triggers: TriggerSpec[];
  /** Host paths of its layers, in order (TemplateLayers). */
  layers: string[];
  /** A `PackageType: Image` function: its image holds the runtime and code. */
  image?: ImageFunctionParts;
}

/** Runtime, handler, code, limits and variables: one Lambda function as a spec, with where each came from. */
export function samFunctionSpec(shape: FunctionShape, where: FunctionScope): ManifestFunction {
  const { logicalId, resource, property } = shape;
  const properties = resource.child("Properties");
  const runtimeField = property("Runtime");
  const { image } = shape;
  // An image function's runtime client is in its image (family custom: no handler, no bootstrap check).
  const runtime = image ? { name: "image", family: "custom" as const } : readRuntime(runtimeField, "aws");
  const handlerField = property("Handler");
  // A custom runtime's bootstrap decides what the handler means, so any value (or none) is fine.
  const handler = image ? "" : runtime.family === "custom" ? (handlerField.string() ?? "") : handlerField.requireString("FILE.FUNCTION such as app.handler");
  const code: CodeLocation = image ? { codeDir: image.codeDir, field: property("PackageType") } : shape.code(runtime.family);
  const nameField = properties.child("FunctionName");
  const name = functionName(logicalId, properties);
  const definition = resource.ref;
  const warnAt = (field: YamlField, message: string) => where.warn(field.ref, message);
  for (const layer of shape.propertyLayers) ignoredPropertyWarnings(layer, warnAt, image ? ["ImageConfig", "Architectures"] : ["Architectures"]);
  const architecture = readArchitectures(property("Architectures"));
  const spec: FunctionSpec = {
    name,
    dialect: "aws",
    runtime: runtime.name,
    family: runtime.family,
    codeDir: code.codeDir,
    handler,
    memoryMb: readMemory(property("MemorySize")) ?? 128,
    timeoutSec: readTimeout(property("Timeout")) ?? 3,
    environment: readEnvironment(shape.environmentLayers, { logicalId, name }, where),
    triggers: shape.triggers,
    namespace: "default",
    region: where.region,
    ...localDefaults(),
    ...readBehaviourSettings(property, warnAt),
    ...(shape.layers.length ? { layers: shape.layers } : {}),
    ...(architecture ? { architecture } : {}),
    ...(code.archive ? { codeArchive: code.archive } : {}),
    ...(image ? { container: image.container } : {}),
    source: { file: definition.file, line: definition.line },
  };
  return {
    spec,
    at: {
      definition,
      name: name === logicalId ? definition : nameField.ref,
      codeDir: code.field.ref,
      handler: handlerField.ref,
      runtime: runtimeField.ref,
      memoryMb: property("MemorySize").ref,
      timeoutSec: property("Timeout").ref,
    },
  };
}
