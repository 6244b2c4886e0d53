import { dirname } from "node:path";
import { attachResourceTriggers } from "./cfnResourceTriggers";
import { ManifestWarning, collectProblem } from "./errors";
import { emptyResult, type ManifestFunction, type ManifestResult, type ReadContext } from "./manifestFunction";
import { bindOperations, definitionOperations } from "./samApiRoutes";
import { SamApis } from "./samApis";
import { functionName, type FunctionScope } from "./samFunctionScope";
import { resolveKnownRefs, type TemplateScope } from "./samIntrinsics";
import { readLambdaFunction } from "./samLambdaFunction";
import type { SamOptions } from "./samOptions";
import { templateScope } from "./samScope";
import { TemplateLayers } from "./samLayers";
import { readServerlessFunction } from "./samServerlessFunction";
import { isPlainMap, type YamlField, type YamlSource } from "./yamlSource";

const FUNCTION_TYPE = "AWS::Serverless::Function";
/** Plain CloudFormation functions run the same way; a template of only those is read too. */
const LAMBDA_TYPE = "AWS::Lambda::Function";

/**
 * Any template.yaml may be plain CloudFormation or another tool's file; only one with
 * the SAM transform or a SAM function is read as SAM.
 */
export function isSamTemplate(data: unknown): boolean {
  if (!isPlainMap(data)) return false;
  const transforms = Array.isArray(data.Transform) ? data.Transform : [data.Transform];
  if (transforms.some((t) => typeof t === "string" && t.includes("AWS::Serverless"))) return true;
  const resources = isPlainMap(data.Resources) ? Object.values(data.Resources) : [];
  return resources.some((resource) => isPlainMap(resource) && (resource.Type === FUNCTION_TYPE || resource.Type === LAMBDA_TYPE));
}

/**
 * Without a deployment there is no region: `--region`, else the CLI's variable, is the user's
 * intent, as `sam local invoke --region` sets it.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-local-invoke.html
 */
export function awsRegion(context: ReadContext): string {
  return context.cliOptions?.region || context.env.AWS_REGION || "us-east-1";
}

export function readSamTemplate(source: YamlSource, context: ReadContext, options: SamOptions = {}): ManifestResult {
  const result = emptyResult();
  const given = options.parameters ?? {};
  const region = given["AWS::Region"] ?? awsRegion(context);
  const scope = templateScope(source.root, region, given, result.problems);
  const root = source.root.withValue(resolveKnownRefs(source.root.value, scope));
  const globals = root.child("Globals").child("Function");
  const layers = new TemplateLayers(root.child("Resources"), context, result.problems);
  const warnAt = (field: YamlField, message: string) => context.warn(ManifestWarning.at(field.ref, message));
  const apis = new SamApis(root.child("Resources"), root.child("Globals"), warnAt, result.problems);
  const operations = definitionOperations(apis, dirname(source.file), scope, result, context.warn);
  // By logical id and by deployed name: definitions name functions either way.
  const byKey = new Map<string, ManifestFunction>();
  const failedIds: string[] = [];
  for (const [logicalId, resource] of root.child("Resources").entries("a map of resources")) {
    const type = resource.child("Type").value;
    if (type !== FUNCTION_TYPE && type !== LAMBDA_TYPE) continue;
    const fn = collectProblem(
      result.problems,
      () => {
        if (!isCreated(logicalId, resource, scope, context)) return undefined;
        const where: FunctionScope = { scope, region, context, layers, apis, problems: result.problems, warn: (ref, message) => context.warn(ManifestWarning.at(ref, message)) };
        return type === FUNCTION_TYPE ? readServerlessFunction(logicalId, resource, globals, where) : readLambdaFunction(logicalId, resource, where);
      },
      () => resource.ref,
    );
    if (fn) {
      result.functions.push(fn);
      byKey.set(logicalId, fn).set(fn.spec.name, fn);
    }
    // Not created (a false Condition) counts as failed too: faasbox.yml settings for it are not orphans.
    else {
      result.failedNames.push(functionName(logicalId, resource.child("Properties")));
      failedIds.push(logicalId);
    }
  }
  bindOperations(operations, byKey, [...result.failedNames, ...failedIds], result, context.warn);
  // Plain AWS::Events::Rule and AWS::Lambda::EventSourceMapping resources name their functions.
  attachResourceTriggers(root.child("Resources"), result, scope, context.warn, (id, resource) => functionName(id, resource.child("Properties")));
  return result;
}

/**
 * A resource with `Condition: Name` exists only when that condition is true; one that is
 * false is not loaded, and the user is told so at the Condition's line.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html
 */
function isCreated(logicalId: string, resource: YamlField, scope: TemplateScope, context: ReadContext): boolean {
  const field = resource.child("Condition");
  if (!field.isSet) return true;
  const name = field.requireString("the name of a condition in Conditions");
  if (!scope.conditions.has(name)) throw field.fail(`condition ${JSON.stringify(name)} is not in Conditions; expected the name of a condition`);
  const value = scope.conditions.get(name);
  if (value === undefined) throw field.fail(`condition ${name} cannot be known (see the errors at Conditions or Parameters)`);
  if (!value) {
    context.warn(
      ManifestWarning.at(field.ref, `condition ${name} is false with these parameter values, so ${logicalId} is not created in the cloud and is not loaded here`),
    );
  }
  return value;
}

