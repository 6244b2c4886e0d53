import type { YamlField } from "./yamlSource";

/**
 * SAM's `Architectures`: a list of one instruction set, `x86_64` (the default) or `arm64`
 * (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html, "Architectures": "Valid
 * Values: x86_64 | arm64", "Fixed number of 1 item"). Undefined when absent.
 */
export function readArchitectures(field: YamlField): "x86_64" | "arm64" | undefined {
  if (!field.isSet) return undefined;
  const values = field.stringList("a list of one architecture: [x86_64] or [arm64]") ?? [];
  if (values.length !== 1 || (values[0] !== "x86_64" && values[0] !== "arm64")) {
    throw field.fail(`expected a list of one architecture, [x86_64] or [arm64], got ${JSON.stringify(field.value)}`);
  }
  return values[0];
}
