import { ManifestWarning } from "./errors";
import { jsonKeyLine, type SamEnvVars } from "./samEnvVarsFile";

/**
 * Applies an `--env-vars` file to the functions of one load, as sam local does: a value
 * replaces only a variable the template declares for the function; the file cannot add
 * one (the user guide: "environment variables that override values defined in your
 * templates", https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-invoke.html).
 * What the file names and nothing uses is told at its line, since it would otherwise be
 * dropped without a word. One instance per load: it remembers what was used.
 */
export class EnvVarsOverrides {
  private readonly declared = new Set<string>();
  private readonly matchedFunctions = new Set<string>();

  constructor(private readonly envVars: SamEnvVars) {}

  /** `environment` with the file's values for the variables it declares. */
  apply(logicalId: string, name: string, environment: Record<string, string>, warn: (warning: ManifestWarning) => void): Record<string, string> {
    for (const variable of Object.keys(environment)) this.declared.add(variable);
    const result = { ...environment };
    for (const [variable, value] of Object.entries(this.envVars.global)) {
      if (Object.hasOwn(environment, variable)) result[variable] = value;
    }
    // SAM CLI matches the logical id first, then the function's name (same page, identifiers in order of precedence).
    const key = [logicalId, name].find((id) => Object.hasOwn(this.envVars.functions, id));
    if (key === undefined) return result;
    this.matchedFunctions.add(key);
    for (const [variable, value] of Object.entries(this.envVars.functions[key])) {
      if (Object.hasOwn(environment, variable)) {
        result[variable] = value;
      } else {
        warn(
          this.warning(
            [key, variable],
            `${variable} is not in ${logicalId}'s Environment.Variables in the template, so sam local and Faasbox do not set it; declare it in the template (any value) for this file to override it`,
          ),
        );
      }
    }
    return result;
  }

  /** What matched nothing in the whole load: call once, after every template was read. */
  unused(): ManifestWarning[] {
    const warnings: ManifestWarning[] = [];
    for (const variable of Object.keys(this.envVars.global)) {
      if (!this.declared.has(variable)) {
        warnings.push(this.warning(["Parameters", variable], `no loaded function declares ${variable} in its Environment.Variables, so it sets nothing`));
      }
    }
    for (const key of Object.keys(this.envVars.functions)) {
      if (!this.matchedFunctions.has(key)) {
        warnings.push(this.warning([key], `no loaded SAM function has the logical id or FunctionName ${JSON.stringify(key)}, so these variables set nothing`));
      }
    }
    return warnings;
  }

  private warning(path: string[], message: string): ManifestWarning {
    return new ManifestWarning(this.envVars.file, jsonKeyLine(this.envVars.text, path), path.join("."), message);
  }
}
