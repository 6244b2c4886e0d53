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
import { codeBucketProblem, codeLocation, ensureCodeInBucket, resolveCodeBucket } from "./codeBucket";
import { diffEnvironment, diffSettings } from "./configDiff";
import { lambdaConsoleUrl } from "./consoleLinks";
import { DeployError } from "./errors";
import { LambdaApi, isLambdaNotFound } from "./lambdaApi";
import { createLambdaClient } from "./lambdaClient";
import { isRoleNotReady } from "./lambdaErrors";
import { createFunctionUrl, getFunctionUrl, planLambdaTriggers } from "./lambdaTriggers";
import { waitForLambda } from "./lambdaWait";
import { checkSizeLimits, formatBytes, type SizeLimits } from "./limits";
import { runtimeForTarget } from "./runtimeNames";
import { createS3Store } from "./s3Store";
import { DEFAULT_TIMING, type CodeBucketLocation, type DeployPlan, type DeployProvider, type DeployResult, type PackagedFunction, type ProgressReporter, type Timing } from "./types";

export interface LambdaProviderOptions {
  /** A key given directly (the editor's secret storage); otherwise the AWS SDK's default chain. */
  credentials?: AwsCredentialInput;
  /** Region for every function, instead of the manifest's. */
  region?: string;
  /** The execution role of new functions, and the new one of existing functions (--role). New functions fall back on FAASBOX_LAMBDA_ROLE. */
  role?: string;
  /** For tests: the Lambda API's address (FAASBOX_LAMBDA_ENDPOINT). */
  endpoint?: string;
  /** S3 bucket (in the function's region) for zips too large to send inline; FAASBOX_CODE_BUCKET otherwise. */
  codeBucket?: string;
  /** For tests: an address answering S3's API, path-style (FAASBOX_S3_ENDPOINT). */
  s3Endpoint?: string;
  /** For tests: lower limits, so that a small package counts as too large to send inline. */
  sizeLimits?: SizeLimits;
  env?: Readonly<Record<string, string | undefined>>;
  timing?: Partial<Timing>;
}

const DEFAULT_LAMBDA_REGION = "us-east-1";

export function createLambdaProvider(options: LambdaProviderOptions = {}): DeployProvider {
  return new LambdaProvider(options);
}

interface Session {
  api: LambdaApi;
  identity: string;
  secrets: ReadonlyArray<string | undefined>;
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
    const bucket = resolveCodeBucket(this.options.codeBucket, this.options.env ?? process.env);
    const size = checkSizeLimits("lambda", packaged, { limits: this.options.sizeLimits, codeBucket: bucket });
    const blockers = [...target.blockers, ...size.problems];
    let codeBucket: CodeBucketLocation | undefined;
    if (size.viaBucket && bucket) {
      const problem = codeBucketProblem("lambda", bucket);
      if (problem) blockers.push(problem);
      else codeBucket = codeLocation("lambda", bucket, target.region, packaged, target.functionName);
    }
    const warnings = [...target.warnings];
    const base = { provider: "lambda" as const, functionName: target.functionName, region: target.region, namespace: "", identity, consoleUrl, codeBucket, spec, packaged };
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
    const session = await this.session(target);
    const { api } = session;
    const FunctionName = target.functionName;
    const result: DeployResult = { provider: "lambda", functionName: FunctionName, region: target.region, action: plan.action, codeUploaded: false, consoleUrl: plan.consoleUrl };
    const routes = plan.spec.triggers.filter((t): t is HttpRoute => t.kind === "http");
    const environment = { Variables: { ...plan.spec.environment } };
    // The code as Lambda takes it: the zip's bytes in the request, or the S3 object they were put in.
    const code = async (): Promise<{ ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string }> => {
      if (!plan.codeBucket) return { ZipFile: plan.packaged.zip };
      await ensureCodeInBucket(this.s3Store(session, plan.codeBucket), plan.codeBucket, plan.packaged.zip, progress);
      return { S3Bucket: plan.codeBucket.bucket, S3Key: plan.codeBucket.key };
    };

    if (plan.action === "unchanged") {
      progress(`${FunctionName} is up to date in Lambda (${target.region}); nothing to do`);
      if (routes.length > 0) result.url = await getFunctionUrl(api, progress);
      return result;
    }
    if (plan.action === "create") {
      const source = await code();
      progress(`creating ${FunctionName} in ${target.region} (${plan.codeBucket ? `code from ${plan.codeBucket.url}` : `uploading ${formatBytes(plan.packaged.size)}`})`);
      await api.call(
        "CreateFunction",
        (c) =>
          c.send(
            new CreateFunctionCommand({
              FunctionName,
              Runtime: target.runtime as Runtime,
              Role: target.role,
              Handler: plan.spec.handler || undefined,
              Code: source,
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
        const source = await code();
        progress(plan.codeBucket ? `updating code of ${FunctionName} from ${plan.codeBucket.url}` : `uploading code of ${FunctionName} (${formatBytes(plan.packaged.size)})`);
        await api.call("UpdateFunctionCode", (c) => c.send(new UpdateFunctionCodeCommand({ FunctionName, ...source })), progress);
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

  /** The code bucket, reached as the same identity as Lambda (the Lambda client's resolved credentials). */
  private s3Store(session: Session, location: CodeBucketLocation) {
    const endpoint = this.options.s3Endpoint ?? (this.options.env ?? process.env).FAASBOX_S3_ENDPOINT;
    return createS3Store({
      credentials: session.api.client.config.credentials,
      bucket: location.bucket,
      region: location.region,
      identity: session.identity,
      secrets: session.secrets,
      endpoint: endpoint || undefined,
    });
  }

  private async session(target: Target): Promise<Session> {
    const env = this.options.env ?? process.env;
    const endpoint = this.options.endpoint ?? (env.FAASBOX_LAMBDA_ENDPOINT || undefined);
    const client = createLambdaClient(target.region, this.options.credentials, endpoint);
    const { credentials, description } = await resolveAwsCredentials(() => client.config.credentials(), this.options.credentials, env);
    const secrets = [credentials.secretAccessKey, credentials.sessionToken];
    return { api: new LambdaApi(client, { functionName: target.functionName, region: target.region, identity: description, role: target.role, secrets }, this.timing), identity: description, secrets };
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
