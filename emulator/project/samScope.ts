import type { ManifestError } from "./errors";
import { LOCAL_ACCOUNT_ID } from "./localAccount";
import { readConditions } from "./samConditions";
import type { TemplateScope } from "./samIntrinsics";
import { readParameters } from "./samParameters";
import { isPlainMap, type YamlField } from "./yamlSource";

/** The local account (see localAccount): kept exported here for the readers that import it from the SAM scope. */
export { LOCAL_ACCOUNT_ID };

/**
 * Pseudo parameters' local values. `sam local` uses StackName "local", this StackId and
 * account (sources: localAccount.ts; the user guide is silent on them). Region is the
 * caller's (AWS_REGION, else us-east-1 as sam local). Partition and URLSuffix follow the
 * region as in the cloud (aws-cn / amazonaws.com.cn in China): sam local says
 * "localhost" for URLSuffix, which would make every endpoint a template builds with it
 * unusable from a local function, so Faasbox gives the cloud's.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
 * Any of them may be overridden like a parameter (`--parameter-overrides AWS::Region=eu-west-1`).
 */
export function pseudoParameters(region: string, given: Readonly<Record<string, string>>): Record<string, string> {
  const china = region.startsWith("cn-");
  const values: Record<string, string> = {
    "AWS::AccountId": LOCAL_ACCOUNT_ID,
    "AWS::Region": region,
    "AWS::Partition": china ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws",
    "AWS::URLSuffix": china ? "amazonaws.com.cn" : "amazonaws.com",
    "AWS::StackName": "local",
    "AWS::StackId": `arn:aws:cloudformation:${region}:${LOCAL_ACCOUNT_ID}:stack/local/51af3dc0-da77-11e4-872e-1234567db123`,
  };
  for (const [name, value] of Object.entries(given)) if (name.startsWith("AWS::") && name !== "AWS::NoValue") values[name] = value;
  return values;
}

/** Everything a template's intrinsics resolve against; template-level mistakes go to `problems`. */
export function templateScope(
  template: YamlField,
  region: string,
  given: Readonly<Record<string, string>>,
  problems: ManifestError[],
): TemplateScope {
  const data = isPlainMap(template.value) ? template.value : {};
  const scope: TemplateScope = {
    resources: isPlainMap(data.Resources) ? data.Resources : {},
    parameters: {},
    unsetParameters: new Map(),
    mappings: isPlainMap(data.Mappings) ? data.Mappings : {},
    conditions: new Map(),
    pseudo: pseudoParameters(region, given),
  };
  readParameters(template.child("Parameters"), scope, given, problems);
  readConditions(template.child("Conditions"), scope, problems);
  return scope;
}
