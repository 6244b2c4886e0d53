/**
 * Whether parsed YAML or JSON is a mapping (not null, not a list). Apart from yamlSource.ts so that
 * the JSON files of `--parameters-file` and `--env-vars` are read without loading the YAML parser,
 * which the CLI's commands that talk to a running emulator do not otherwise need.
 */
export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
