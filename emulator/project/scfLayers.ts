import { ManifestWarning } from "./errors";
import type { ReadContext } from "./manifestFunction";
import type { YamlField } from "./yamlSource";

/**
 * The scf component's `inputs.layers: [{name, version}]` names layers published in the cloud;
 * its documentation gives no local form (no path), so they cannot be loaded here: each one is
 * told, saying what that means. https://cloud.tencent.com/document/product/1154/43228 (the scf
 * component's inputs); layers are decompressed into /opt at run time:
 * https://www.tencentcloud.com/document/product/583/37039. A malformed list is an error.
 * Returns true once read, so the caller can leave the function out when it is not.
 */
export function readScfLayers(layers: YamlField, context: Pick<ReadContext, "warn">): true {
  const expected = "a list of layers such as [{name: my-layer, version: 1}]";
  for (const layer of layers.items(expected)) {
    if (!layer.isMap()) throw layer.wrongType(expected);
    const name = layer.child("name").requireString("the layer's name");
    const version = layer.child("version").text("the layer's version number") ?? "(latest)";
    context.warn(ManifestWarning.at(layer.ref,
      `the SCF layer ${name} version ${version} is in the cloud and is not loaded locally: what it puts under /opt is missing here; put those files in the function's code folder (src) to run it locally`));
  }
  return true;
}
