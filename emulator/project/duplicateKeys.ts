import { isMap, isPair, isScalar, isSeq, type LineCounter } from "yaml";
import { ManifestWarning } from "./errors";
import { formatPath, type FieldPath } from "./yamlPath";

/**
 * Keys written twice in one mapping. The YAML spec forbids them, but the tools that read
 * these files for the clouds take them: SAM CLI and the AWS CLI load templates with PyYAML,
 * whose mapping constructor assigns key by key, so the last value wins
 * (https://pyyaml.org/wiki/PyYAMLDocumentation: the docs say nothing of duplicates, the
 * constructor's behaviour is the reference; CloudFormation itself is silent on it too).
 * Faasbox parses with `uniqueKeys: false` to match, and tells the user at each repeat.
 */
export function duplicateKeyWarnings(contents: unknown, lines: LineCounter, file: string): ManifestWarning[] {
  const warnings: ManifestWarning[] = [];
  const lineAt = (node: unknown) => lines.linePos((node as { range?: [number] } | null)?.range?.[0] ?? 0).line;
  const walk = (node: unknown, path: FieldPath, depth: number): void => {
    // The alias check bounds nesting before this runs; the guard only keeps a bug from looping.
    if (depth > 200) return;
    if (isMap(node)) {
      const firstLines = new Map<string, number>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        const childPath = [...path, key ?? "(key)"];
        if (key !== undefined) {
          const first = firstLines.get(key);
          if (first === undefined) firstLines.set(key, lineAt(pair.key));
          else {
            warnings.push(
              new ManifestWarning(
                file,
                lineAt(pair.key),
                formatPath(childPath),
                `key written twice in the same map (first at line ${first}); this later value is used and the earlier one ignored, as the clouds' tools (PyYAML) read it`,
              ),
            );
          }
        }
        walk(pair.value, childPath, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(isPair(item) ? item.value : item, [...path, index], depth + 1));
    }
  };
  walk(contents, [], 0);
  return warnings;
}
