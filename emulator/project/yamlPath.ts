/** Keys and list indexes from the document root to a value, e.g. ["inputs", "events", 0]. */
export type FieldPath = readonly (string | number)[];

/** `inputs.events[0].apigw`: how a field is named in error messages. */
export function formatPath(path: FieldPath): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${part}` : part;
  }
  return text || "(document)";
}
