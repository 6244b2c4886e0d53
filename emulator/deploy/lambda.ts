import {
  CreateFunctionCommand,
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type Runtime,
} from "@aws-sdk/client-lambda";
import type { FunctionSpec, HttpRoute } from "../project/spec";
import { resolveAwsCredentials, type AwsCredentialInput } from "./awsCredentials";
import { diffEnvironment, diffSettings } from "./configDiff";
import { lambdaConsoleUrl } from "./consoleLinks";
import { DeployError } from "./errors";
import { LambdaApi, isLambdaNotFound } from "./lambdaApi";
import { createLambdaClient } from "./lambdaClient";
import { isRoleNotReady } from "./lambdaErrors";
import { createFunctionUrl, getFunctionUrl, planLambdaTriggers } from "./lambdaTriggers";
import { waitForLambda } from "./lambdaWait";
import { checkSizeLimits, formatBytes } from "./limits";
import { runtimeForTarget } from "./runtimeNames";
import { DEFAULT_TIMING, type DeployPlan, type DeployProvider, type DeployResult, type PackagedFunction, type ProgressReporter, type Timing } from "./types";

export interface LambdaProviderOptions {
  /** A key given directly (the editor's secret storage); otherwise the AWS SDK's default chain. */
  credentials?: AwsCredentialInput;
  /** Region for every function, instead of the manifest's. */
  region?: string;
  /** The execution role of new functions, and the new one of existing functions (--role). New functions fall back on FAASBOX_LAMBDA_ROLE. */
  role?: string;
  /** For tests: the Lambda API's address (FAASBOX_LAMBDA_ENDPOINT). */
  endpoint?: string;
  env?: Readonly<Record<string, string | undefined>>;
  timing?: Partial<Timing>;
}

const DEFAULT_LAMBDA_REGION = "us-east-1";

export function createLambdaProvider(options: LambdaProviderOptions = {}): DeployProvider {
  return new LambdaProvider(options);
}

interface Target {
  functionName: string;
  region: string;
  runtime?: string;
  role?: string;
  warnings: string[];
  blockers: string[];
}

class LambdaProvider implements DeployProvider {
  readonly target = "lambda" as const;
  private readonly timing: Timing;

  constructor(private readonly options: LambdaProviderOptions) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
  }

  async plan(spec: FunctionSpec, packaged: PackagedFunction): Promise<DeployPlan> {
    const target = this.resolveTarget(spec);
    const { api, identity } = await this.session(target);
    const consoleUrl = lambdaConsoleUrl(target.region, target.functionName);
    const blockers = [...target.blockers, ...checkSizeLimits("lambda", packaged).problems];
    const warnings = [...target.warnings];
    const base = { provider: "lambda" as const, functionName: target.functionName, region: target.region, namespace: "", identity, consoleUrl, spec, packaged };
    const desired = [
      { field: "Runtime", desired: target.runtime },
      { field: "Handler", desired: spec.handler || undefined },
      { field: "MemorySize", desired: spec.memoryMb },
      { field: "Timeout", desired: spec.timeoutSec },
    ];

    const current = await this.getConfiguration(api);
    if (!current) {
      if (!target.role) {
        blockers.push(
          `Lambda needs an execution role to create ${target.functionName}: pass --role arn:aws:iam::ACCOUNT:role/NAME or set FAASBOX_LAMBDA_ROLE ` +
            "(a role that lambda.amazonaws.com may assume, e.g. with the AWSLambdaBasicExecutionRole policy for logs)",
        );
      }
      const configChanges = [
        ...diffSettings([...desired, { field: "Role", desired: target.role }].map((s) => ({ ...s, current: undefined }))),
        ...diffEnvironment({}, spec.environment),
      ];
      return { ...base, action: "create", configChanges, codeChanged: true, triggers: planLambdaTriggers(spec, undefined), warnings, blockers };
    }

    // An existing function keeps its role unless --role says otherwise.
    const settings = [...desired, { field: "Role", desired: this.explicitRole() }].map((s) => ({ ...s, current: configValue(current, s.field) }));
    const configChanges = [...diffSettings(settings), ...diffEnvironment(current.Environment?.Variables ?? {}, spec.environment)];
    // Lambda's CodeSha256 is the base64 SHA-256 of the zip as uploaded.
    const codeChanged = current.CodeSha256 !== Buffer.from(packaged.sha256, "hex").toString("base64");
    const hasRoutes = spec.triggers.some((t) => t.kind === "http");
    const triggers = planLambdaTriggers(spec, hasRoutes ? await getFunctionUrl(api) : undefined);
    const action = codeChanged || configChanges.length > 0 || triggers.some((t) => t.action === "create") ? "update" : "unchanged";
    return { ...base, action, configChanges, codeChanged, triggers, warnings, blockers };
  }

  async apply(plan: DeployPlan, progress: ProgressReporter = () => {}): Promise<DeployResult> {
    if (plan.blockers.length > 0) throw new DeployError("config", `cannot deploy ${plan.functionName} to Lambda: ${plan.blockers.join("; ")}`);
    const target = this.resolveTarget(plan.spec);
    const { api } = await this.session(target);
    const FunctionName = target.functionName;
    const result: DeployResult = { provider: "lambda", functionName: FunctionName, region: target.region, action: plan.action, codeUploaded: false, consoleUrl: plan.consoleUrl };
    const routes = plan.spec.triggers.filter((t): t is HttpRoute => t.kind === "http");
    const environment = { Variables: { ...plan.spec.environment } };

    if (plan.action === "unchanged") {
      progress(`${FunctionName} is up to date in Lambda (${target.region}); nothing to do`);
      if (routes.length > 0) result.url = await getFunctionUrl(api, progress);
      return result;
    }
    if (plan.action === "create") {
      progress(`creating ${FunctionName} in ${target.region} (uploading ${formatBytes(plan.packaged.size)})`);
      await api.call(
        "CreateFunction",
        (c) =>
          c.send(
            new CreateFunctionCommand({
              FunctionName,
              Runtime: target.runtime as Runtime,
              Role: target.role,
              Handler: plan.spec.handler || undefined,
              Code: { ZipFile: plan.packaged.zip },
              MemorySize: plan.spec.memoryMb,
              Timeout: plan.spec.timeoutSec,
              Environment: environment,
              PackageType: "Zip",
            }),
          ),
        progress,
        isRoleNotReady,
      );
      result.codeUploaded = true;
      await waitForLambda(api, "active", this.timing, plan.consoleUrl, progress);
    } else {
      await waitForLambda(api, "updated", this.timing, plan.consoleUrl, progress);
      if (plan.codeChanged) {
        progress(`uploading code of ${FunctionName} (${formatBytes(plan.packaged.size)})`);
        await api.call("UpdateFunctionCode", (c) => c.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: plan.packaged.zip })), progress);
        result.codeUploaded = true;
        await waitForLambda(api, "updated", this.timing, plan.consoleUrl, progress);
      } else {
        progress(`code of ${FunctionName} unchanged (sha256 ${plan.packaged.sha256.slice(0, 12)}…); not uploaded`);
      }
      if (plan.configChanges.length > 0) {
        progress(`updating configuration of ${FunctionName}: ${plan.configChanges.map((c) => c.field).join(", ")}`);
        await api.call(
          "UpdateFunctionConfiguration",
          (c) =>
            c.send(
              new UpdateFunctionConfigurationCommand({
                FunctionName,
                Runtime: target.runtime as Runtime,
                Handler: plan.spec.handler || undefined,
                MemorySize: plan.spec.memoryMb,
                Timeout: plan.spec.timeoutSec,
                Environment: environment,
                Role: this.explicitRole(),
              }),
            ),
          progress,
          isRoleNotReady,
        );
        await waitForLambda(api, "updated", this.timing, plan.consoleUrl, progress);
      }
    }
    if (routes.length > 0) result.url = (await getFunctionUrl(api, progress)) ?? (await createFunctionUrl(api, routes, progress));
    return result;
  }

  /** --role: sets the role of new functions and changes that of existing ones. */
  private explicitRole(): string | undefined {
    return this.options.role || undefined;
  }

  /** For new functions FAASBOX_LAMBDA_ROLE also works; a variable set once must not re-role existing functions. */
  private creationRole(): string | undefined {
    return this.explicitRole() || (this.options.env ?? process.env).FAASBOX_LAMBDA_ROLE || undefined;
  }

  private resolveTarget(spec: FunctionSpec): Target {
    const env = this.options.env ?? process.env;
    const runtime = runtimeForTarget(spec, "lambda");
    const warnings = [...runtime.warnings];
    let region = this.options.region;
    if (!region) {
      if (spec.dialect === "aws") region = spec.region;
      else {
        region = env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_LAMBDA_REGION;
        warnings.push(`the manifest names no AWS region; deploying to ${region} (set --region or AWS_REGION to choose)`);
      }
    }
    return { functionName: spec.name, region, runtime: runtime.name, role: this.creationRole(), warnings, blockers: runtime.problem ? [runtime.problem] : [] };
  }

  private async session(target: Target): Promise<{ api: LambdaApi; identity: string }> {
    const env = this.options.env ?? process.env;
    const endpoint = this.options.endpoint ?? (env.FAASBOX_LAMBDA_ENDPOINT || undefined);
    const client = createLambdaClient(target.region, this.options.credentials, endpoint);
    const { credentials, description } = await resolveAwsCredentials(() => client.config.credentials(), this.options.credentials, env);
    const secrets = [credentials.secretAccessKey, credentials.sessionToken];
    return { api: new LambdaApi(client, { functionName: target.functionName, region: target.region, identity: description, role: target.role, secrets }, this.timing), identity: description };
  }

  private async getConfiguration(api: LambdaApi): Promise<FunctionConfiguration | undefined> {
    try {
      const response = await api.call("GetFunction", (c) => c.send(new GetFunctionCommand({ FunctionName: api.context.functionName })));
      return response.Configuration;
    } catch (error) {
      if (isLambdaNotFound(error)) return undefined;
      throw error;
    }
  }
}

function configValue(config: FunctionConfiguration, field: string): string | number | undefined {
  switch (field) {
    case "Runtime":
      return config.Runtime;
    case "Handler":
      return config.Handler;
    case "MemorySize":
      return config.MemorySize;
    case "Timeout":
      return config.Timeout;
    case "Role":
      return config.Role;
    default:
      return undefined;
  }
}
