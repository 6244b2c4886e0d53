import { placeholderSources, variableText } from "./samIntrinsics";
import type { FunctionScope } from "./samFunctionScope";
import type { YamlField } from "./yamlSource";

/**
 * `Environment.Variables` of each layer in turn (Globals, then the function: they merge key
 * by key), then the user's `--env-vars` values for the variables so declared.
 */
export function readEnvironment(layers: YamlField[], ids: { logicalId: string; name: string }, where: FunctionScope): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const layer of layers) {
    for (const [key, value] of layer.child("Environment").child("Variables").entries("a map of variable names to values")) {
      // `!Ref AWS::NoValue` (undefined here) removes the variable; `KEY:` with nothing is "".
      if (value.value === undefined) continue;
      environment[key] = variableText(value.value, where.scope);
      const sources = placeholderSources(value.value, where.scope);
      if (sources.length > 0) {
        where.warn(
          value.ref,
          `${key} is set to the local placeholder ${JSON.stringify(environment[key])} for ${sources.join(", ")}, which Faasbox does not create; ` +
            "code using it reaches no such resource locally (give the real value in faasbox.yml's env or a .env file)",
        );
      } else if (environment[key] === "" && typeof value.value === "object") {
        where.warn(value.ref, `${key} cannot be resolved locally and is empty ("")`);
      }
    }
  }
  return where.context.samEnvVars?.apply(ids.logicalId, ids.name, environment, where.context.warn) ?? environment;
}
