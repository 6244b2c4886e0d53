import { ManifestWarning } from "./errors";
import type { ReadContext } from "./manifestFunction";
import type { YamlField } from "./yamlSource";

/**
 * A `package:` section as the spec's `packageExclude` (gitignore syntax: a later line wins,
 * `!` takes a file back in). The framework's `patterns` are the other way round (a plain
 * pattern includes, `!` excludes) and also apply in order, later winning, so each pattern's
 * sense is flipped. Legacy `exclude` applies first and `include` takes files back.
 * https://www.serverless.com/framework/docs/providers/aws/guide/packaging
 * Nothing here changes what runs locally: the function runs from the service folder.
 */
export function readPackagePatterns(pkg: YamlField, context: ReadContext): string[] {
  const list = (key: string) => pkg.child(key).stringList(`a list of file patterns such as '!node_modules/**'`) ?? [];
  const flipped = list("patterns").map((pattern) => (pattern.startsWith("!") ? pattern.slice(1) : `!${pattern}`));
  const legacy = [...list("exclude"), ...list("include").map((pattern) => `!${pattern}`)];
  if (pkg.child("artifact").isSet && pkg.path.length === 1) {
    context.warn(
      ManifestWarning.at(pkg.child("artifact").ref, "a prebuilt artifact is not unpacked locally; the functions run from the service folder's source"),
    );
  }
  // Deploy-time only: one zip or one per function makes no difference to a local run.
  return [...legacy, ...flipped];
}
