import { Pair, Scalar, YAMLMap, type CollectionTag, type ScalarTag } from "yaml";

/**
 * CloudFormation's short-form intrinsic functions (`!Ref`, `!GetAtt`, `!Sub`...). SAM
 * templates use them everywhere; without these tags a template would fail to parse, and
 * with them each becomes the long form (`{Ref: X}`, `{"Fn::GetAtt": [A, B]}`) that the
 * readers understand whichever way the author wrote it.
 */
const FUNCTIONS = [
  "GetAtt",
  "Sub",
  "Join",
  "If",
  "Select",
  "Split",
  "FindInMap",
  "ImportValue",
  "Base64",
  "Cidr",
  "Equals",
  "And",
  "Or",
  "Not",
  "GetAZs",
];

function longName(short: string): string {
  return short === "Ref" || short === "Condition" ? short : `Fn::${short}`;
}

function scalarTag(short: string): ScalarTag {
  const key = longName(short);
  return {
    tag: `!${short}`,
    // Never chosen when writing YAML: these tags are only read.
    identify: () => false,
    resolve(text: string) {
      // "Resource.Attribute" is the short form's string syntax; nested attributes
      // ("Stack.Outputs.Name") keep everything after the first dot.
      if (short === "GetAtt") {
        const dot = text.indexOf(".");
        return { [key]: dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)] };
      }
      return { [key]: text };
    },
  };
}

function collectionTag(short: string, collection: "map" | "seq"): CollectionTag {
  const key = longName(short);
  return {
    tag: `!${short}`,
    collection,
    identify: () => false,
    // Wrapping the parsed collection node (instead of converting it to plain data) keeps
    // its source positions, so a field inside `!Sub [...]` still has a line.
    resolve(node) {
      const wrapper = new YAMLMap();
      wrapper.items.push(new Pair(new Scalar(key), node));
      return wrapper;
    },
  };
}

export const INTRINSIC_TAGS: Array<ScalarTag | CollectionTag> = ["Ref", "Condition", ...FUNCTIONS].flatMap((short) => [
  scalarTag(short),
  collectionTag(short, "seq"),
  collectionTag(short, "map"),
]);

/** The intrinsic function a value is written with, e.g. "Fn::Sub", or undefined for plain data. */
export function intrinsicName(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys;
  return key === "Ref" || key === "Condition" || key.startsWith("Fn::") ? key : undefined;
}
