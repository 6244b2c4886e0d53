import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ManifestError, ManifestWarning } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import type { ReadContext } from "./manifestFunction";
import type { YamlField } from "./yamlSource";

/**
 * Layer resources of a SAM / CloudFormation template, and a function's `Layers` resolved to
 * host paths (a folder, or a .zip) in the order Lambda extracts them into /opt: a later layer's
 * files overwrite an earlier one's.
 * https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-layerversion.html
 */
const LAYER_TYPES: Record<string, string> = {
  // SAM: ContentUri is a local path (or an S3 location once packaged).
  "AWS::Serverless::LayerVersion": "ContentUri",
  // CloudFormation: Content is {S3Bucket, S3Key}; `aws cloudformation package` also takes a local path there.
  "AWS::Lambda::LayerVersion": "Content",
};

const MAX_LAYERS = 5;

type LayerEntry = { path: string } | { problem: ManifestError };

export class TemplateLayers {
  private readonly layers = new Map<string, LayerEntry>();

  /** Reads every layer resource once; a broken one is recorded in `problems` and fails only the functions using it. */
  constructor(resources: YamlField, private readonly context: Pick<ReadContext, "warn">, problems: ManifestError[]) {
    for (const [logicalId, resource] of resources.entries("a map of resources")) {
      const type = resource.child("Type").value;
      if (typeof type !== "string" || !(type in LAYER_TYPES)) continue;
      try {
        this.layers.set(logicalId, { path: this.readContent(resource, LAYER_TYPES[type]) });
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        problems.push(error);
        this.layers.set(logicalId, { problem: error });
      }
    }
  }

  private readContent(resource: YamlField, key: string): string {
    const properties = resource.child("Properties");
    const content = properties.child(key);
    const expected = "a local folder or .zip file such as layers/shared/ (a layer in S3 cannot be read locally)";
    if (content.isMap()) {
      throw content.fail(`names a layer in S3, which Faasbox cannot download; expected ${expected}`);
    }
    const written = content.requireString(expected);
    if (/^s3:\/\//i.test(written)) throw content.fail(`names a layer in S3, which Faasbox cannot download; expected ${expected}`);
    const path = resolve(dirname(resource.source.file), written);
    if (!existsSync(path)) throw content.fail(`${path} does not exist; expected ${expected}`);
    if (!statSync(path).isDirectory() && !/\.zip$/i.test(path)) throw content.fail(`${path} is neither a folder nor a .zip file; expected ${expected}`);
    // `sam build` turns a layer's sources into nodejs/ or python/ by BuildMethod; Faasbox uses the folder as it is.
    const buildMethod = resource.child("Metadata").child("BuildMethod");
    if (buildMethod.isSet) {
      this.context.warn(ManifestWarning.at(buildMethod.ref,
        `sam build would build this layer; Faasbox puts ${written} under /opt as it is, so it must already hold the built layout (e.g. nodejs/node_modules or python/)`));
    }
    return path;
  }

  /**
   * A function's layers, from `Layers` of each of `propertyLayers` in order: Globals' first, then its own (SAM's lists are additive:
   * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html).
   * An ARN of a layer in the cloud is told and left out; a reference to anything but a local layer is an error.
   */
  forFunction(propertyLayers: YamlField[]): string[] {
    const paths: string[] = [];
    const lists = propertyLayers.map((properties) => properties.child("Layers"));
    for (const list of lists) {
      for (const item of list.items("a list of layers: !Ref LAYER or a layer version ARN")) {
        const path = this.resolveItem(item);
        if (path !== undefined) paths.push(path);
      }
    }
    // "You can add up to five layers to a Lambda function": https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html
    if (paths.length > MAX_LAYERS) {
      const written = [...lists].reverse().find((list) => list.isSet) ?? lists[lists.length - 1];
      this.context.warn(ManifestWarning.at(written.ref,
        `${paths.length} layers: Lambda takes at most ${MAX_LAYERS} per function, so deploying fails; all of them are used locally`));
    }
    return paths;
  }

  private resolveItem(item: YamlField): string | undefined {
    const value = item.value;
    if (typeof value === "string" && value.startsWith("arn:")) {
      this.context.warn(ManifestWarning.at(item.ref,
        `the layer ${value} is in the cloud and is not loaded locally; to use it, download its content (aws lambda get-layer-version-by-arn gives the URL) into a folder and declare an AWS::Serverless::LayerVersion with that ContentUri, then refer to it with !Ref`));
      return undefined;
    }
    const kind = intrinsicName(value);
    let logicalId: unknown;
    if (kind === "Ref") logicalId = (value as { Ref: unknown }).Ref;
    if (kind === "Fn::GetAtt") {
      const target = (value as { "Fn::GetAtt": unknown })["Fn::GetAtt"];
      logicalId = Array.isArray(target) ? target[0] : typeof target === "string" ? target.split(".")[0] : undefined;
    }
    const expected = "!Ref to an AWS::Serverless::LayerVersion or AWS::Lambda::LayerVersion of this template, or a layer version ARN";
    if (typeof logicalId !== "string") throw item.wrongType(expected);
    const entry = this.layers.get(logicalId);
    if (!entry) throw item.fail(`${logicalId} is not a layer of this template; expected ${expected}`);
    if ("problem" in entry) throw item.fail(`the layer ${logicalId} could not be read (${entry.problem.message})`);
    return entry.path;
  }
}
