import { readFileSync } from "node:fs";
import type { SamEnvVars } from "./samEnvVarsFile";
import { isPlainMap } from "./plainMap";

/** What the user tells the SAM reader besides the template, as `sam local` takes it. */
export interface SamOptions {
  /** Template parameter values (`--parameter-overrides`, `--parameters-file`); they win over each Default. */
  parameters?: Readonly<Record<string, string>>;
  /** `--env-vars FILE`, read (samEnvVarsFile.ts): values for variables the template declares. */
  envVars?: SamEnvVars;
  /**
   * `--template FILE` (absolute): read that template alone, as given (no `.aws-sam/build`
   * look-up, as sam local with -t), with faasbox.yml, instead of every manifest under the root.
   */
  template?: string;
}

/**
 * `--parameter-overrides`, in both forms SAM CLI documents: `Key=Value` pairs and the AWS
 * CLI's `ParameterKey=Key,ParameterValue=Value`, separated by spaces; the flag may be
 * repeated. https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-local-invoke.html
 * (--parameter-overrides). Throws an Error saying what is expected.
 */
export function parseParameterOverrides(values: readonly string[]): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const token of values.flatMap((value) => value.trim().split(/\s+/)).filter(Boolean)) {
    const longForm = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(token);
    const shortForm = /^([^=]+)=(.*)$/.exec(token);
    const [, key, value] = longForm ?? shortForm ?? [];
    if (key === undefined || value === undefined) {
      throw new Error(`--parameter-overrides: ${JSON.stringify(token)} is not KEY=VALUE (or ParameterKey=KEY,ParameterValue=VALUE)`);
    }
    parameters[key] = value;
  }
  return parameters;
}

/**
 * A parameters file in CloudFormation's JSON form, as `aws cloudformation create-stack
 * --parameters file://params.json` takes it: `[{"ParameterKey": "Stage", "ParameterValue": "dev"}]`.
 * https://docs.aws.amazon.com/cli/latest/reference/cloudformation/create-stack.html (--parameters)
 * Throws an Error naming the file and what is expected.
 */
export function readParametersFile(file: string): Record<string, string> {
  const expected = 'expected a JSON list such as [{"ParameterKey": "Stage", "ParameterValue": "dev"}]';
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`--parameters-file ${file}: ${(error as Error).message}; ${expected}`);
  }
  if (!Array.isArray(data)) throw new Error(`--parameters-file ${file}: not a list; ${expected}`);
  const parameters: Record<string, string> = {};
  data.forEach((item, index) => {
    const key = isPlainMap(item) ? item.ParameterKey : undefined;
    const value = isPlainMap(item) ? item.ParameterValue : undefined;
    if (typeof key !== "string" || !["string", "number", "boolean"].includes(typeof value)) {
      throw new Error(`--parameters-file ${file}: item ${index} has no ParameterKey and ParameterValue; ${expected}`);
    }
    parameters[key] = String(value);
  });
  return parameters;
}
