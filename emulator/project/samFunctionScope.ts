import type { FieldRef } from "./errors";
import type { ManifestResult, ReadContext } from "./manifestFunction";
import type { SamApis } from "./samApis";
import type { TemplateScope } from "./samIntrinsics";
import type { TemplateLayers } from "./samLayers";
import type { YamlField } from "./yamlSource";

/** What reading one function of a template needs besides the function itself. */
export interface FunctionScope {
  scope: TemplateScope;
  /** Tells the user of something not emulated at `ref` (ReadContext.warn). */
  warn(ref: FieldRef, message: string): void;
  region: string;
  problems: ManifestResult["problems"];
  context: ReadContext;
  /** The template's layer resources, for the functions' `Layers`. */
  layers: TemplateLayers;
  /** The template's APIs, for the API each Api / HttpApi event belongs to (absent: routes carry no API). */
  apis?: SamApis;
}

/** The deployed name is FunctionName when it is a plain string (not `!Sub ...`), else the logical id. */
export function functionName(logicalId: string, properties: YamlField): string {
  const name = properties.child("FunctionName").value;
  return typeof name === "string" && name !== "" ? name : logicalId;
}
