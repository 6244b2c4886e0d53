import type { ManifestFunction } from "./manifestFunction";
import { codeOwner, lambdaCode } from "./samCode";
import type { FunctionScope } from "./samFunctionScope";
import { samFunctionSpec } from "./samFunctionSpec";
import { unresolvedIntrinsic } from "./samResolution";
import type { YamlField } from "./yamlSource";

/**
 * One plain CloudFormation AWS::Lambda::Function: the same settings as SAM's without
 * Globals (which apply to AWS::Serverless resources only) or Events (a plain template wires
 * event sources as resources of their own).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html
 */
export function readLambdaFunction(logicalId: string, resource: YamlField, where: FunctionScope): ManifestFunction {
  const properties = resource.child("Properties");
  if (!properties.isMap()) throw properties.isSet ? properties.wrongType("a map of function properties") : properties.missing("a map of function properties with Code");
  const unresolved = unresolvedIntrinsic(properties, where.scope);
  if (unresolved) throw unresolved;
  const packageType = properties.child("PackageType");
  if (packageType.value === "Image") {
    throw packageType.fail("container image functions are not supported; expected a zip function (PackageType: Zip) with a local Code path or ZipFile");
  }
  return samFunctionSpec(
    {
      logicalId,
      resource,
      property: (key) => properties.child(key),
      propertyLayers: [properties],
      environmentLayers: [properties],
      code: (family) => lambdaCode(properties.child("Code"), family, codeOwner(where.context, logicalId)),
      triggers: [],
      layers: where.layers.forFunction([properties]),
    },
    where,
  );
}
