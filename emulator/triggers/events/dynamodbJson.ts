/**
 * Plain JSON as DynamoDB's attribute values, the form stream records carry their Keys and
 * images in: {"S": "text"}, {"N": "42"} (numbers as strings), {"BOOL": true},
 * {"NULL": true}, {"L": [...]}, {"M": {...}}.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

export function toAttributeValue(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  return { M: toItem(value as Record<string, unknown>) };
}

/** An item (a JSON object) as a map of attribute values. */
export function toItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, toAttributeValue(value)]));
}
