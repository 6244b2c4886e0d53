import { ManifestWarning } from "./errors";
import type { ReadContext } from "./manifestFunction";
import type { YamlField } from "./yamlSource";

/**
 * Says, at its line, each property of an event source or rule that Faasbox does not read:
 * with its local meaning where `meanings` has one, else that it is not read. `cloudKeys`
 * maps a manifest's own key (the Serverless Framework's `batchWindow`) to the
 * CloudFormation property it compiles to (`MaximumBatchingWindowInSeconds`), whose meaning
 * is the same whatever the manifest calls it.
 */
export function warnUnread(
  properties: YamlField,
  read: readonly string[],
  warn: ReadContext["warn"],
  meanings: Readonly<Record<string, string>>,
  cloudKeys: Readonly<Record<string, string>> = {},
): void {
  for (const [key, field] of properties.entries("a map of properties")) {
    if (read.includes(key)) continue;
    const meaning = meanings[cloudKeys[key] ?? key] ?? "it is not read";
    warn(ManifestWarning.at(field.ref, `${key} is not emulated: ${meaning}`));
  }
}
