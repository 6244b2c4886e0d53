import { readFileSync } from "node:fs";
import { isPlainMap } from "./plainMap";

/**
 * `sam local --env-vars env.json`: `{"Parameters": {VAR: value}}` for every function and
 * `{"<FunctionLogicalId>": {VAR: value}}` for one, the function's own winning.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-invoke.html
 * ("Environment variable file")
 */
export interface SamEnvVars {
  /** The file as given, for messages. */
  file: string;
  /** The file's text, to point warnings at the line of a key. */
  text: string;
  /** `Parameters`: for every function that declares the variable. */
  global: Record<string, string>;
  /** By logical id (or FunctionName): for that function alone. */
  functions: Record<string, Record<string, string>>;
}

const EXPECTED = 'expected a JSON object such as {"Parameters": {"TABLE": "local"}, "MyFunction": {"STAGE": "dev"}}';

/** Throws an Error naming the file, the place and what is expected. */
export function readEnvVarsFile(file: string): SamEnvVars {
  let text: string;
  let data: unknown;
  try {
    text = readFileSync(file, "utf8");
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`--env-vars ${file}: ${(error as Error).message}; ${EXPECTED}`);
  }
  if (!isPlainMap(data)) throw new Error(`--env-vars ${file}: not a JSON object; ${EXPECTED}`);
  const functions: Record<string, Record<string, string>> = {};
  let global: Record<string, string> = {};
  for (const [key, variables] of Object.entries(data)) {
    if (!isPlainMap(variables)) throw new Error(`--env-vars ${file}: ${key} is not an object of variables; ${EXPECTED}`);
    const values = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, variableValue(file, key, name, value)]));
    if (key === "Parameters") global = values;
    else functions[key] = values;
  }
  return { file, text, global, functions };
}

/**
 * Lambda's variables are strings; SAM CLI writes numbers and booleans as text ("true",
 * "false") and silently makes a list, an object or null "" (samcli/local/lambdafn/env_vars.py,
 * _stringify_value; the user guide is silent). Faasbox refuses those three instead: an
 * empty value there is almost always a mistake, and nothing may be dropped without a word.
 */
function variableValue(file: string, key: string, name: string, value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`--env-vars ${file}: ${key}.${name} is ${value === null ? "null" : Array.isArray(value) ? "a list" : "an object"}; expected a string, number or boolean`);
}

/** The 1-based line of `"a": ... "b":` in JSON text: the file has no syntax tree, so this follows the keys in order. */
export function jsonKeyLine(text: string, path: readonly string[]): number {
  let offset = 0;
  for (const key of path) {
    const match = new RegExp(`${escapeRegExp(JSON.stringify(key))}\\s*:`, "g");
    match.lastIndex = offset;
    const found = match.exec(text);
    if (!found) break;
    offset = found.index;
  }
  return text.slice(0, offset).split("\n").length;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
