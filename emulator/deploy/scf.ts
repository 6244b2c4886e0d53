import type { GetFunctionResponse } from "tencentcloud-sdk-nodejs-scf/tencentcloud/services/scf/v20180416/scf_models";
import type { FunctionSpec } from "../project/spec";
import { codeBucketProblem, codeLocation, ensureCodeInBucket, resolveCodeBucket } from "./codeBucket";
import { diffEnvironment, diffSettings } from "./configDiff";
import { scfConsoleUrl } from "./consoleLinks";
import { createCosStore } from "./cosStore";
import { DeployError } from "./errors";
import { checkSizeLimits, formatBytes, type SizeLimits } from "./limits";
import { runtimeForTarget } from "./runtimeNames";
import { ScfApi, isScfFunctionMissing } from "./scfApi";
import { createScfClient } from "./scfClient";
import { describeScfCredentials, resolveScfCredentials, type ScfCredentialInput, type ScfCredentials } from "./scfCredentials";
import { planScfTriggers } from "./scfTriggers";
import { waitForScfActive } from "./scfWait";
import { DEFAULT_TIMING, type CodeBucketLocation, type DeployPlan, type DeployProvider, type DeployResult, type PackagedFunction, type ProgressReporter, type Timing } from "./types";

export interface ScfProviderOptions {
  /** A key given directly (the editor's secret storage); otherwise the environment, then ~/.tencentcloud/credentials. */
  credentials?: ScfCredentialInput;
  /** Region for every function, instead of the manifest's. */
  region?: string;
  /** For tests: an http:// address that answers as scf.tencentcloudapi.com (FAASBOX_SCF_ENDPOINT). */
  endpoint?: string;
  /** COS bucket (NAME-APPID, in the function's region) for zips too large to send inline; FAASBOX_CODE_BUCKET otherwise. */
  codeBucket?: string;
  /** For tests: an http:// address that answers as COS (FAASBOX_COS_ENDPOINT). */
  cosEndpoint?: string;
  /** For tests: lower limits, so that a small package counts as too large to send inline. */
  sizeLimits?: SizeLimits;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  timing?: Partial<Timing>;
}

const DEFAULT_SCF_REGION = "ap-guangzhou";

export function createScfProvider(options: ScfProviderOptions = {}): DeployProvider {
  return new ScfProvider(options);
}

interface Session {
  api: ScfApi;
  identity: string;
  credentials: ScfCredentials;
}

interface Target {
  functionName: string;
  region: string;
  namespace: string;
  runtime?: string;
  warnings: string[];
  blockers: string[];
}

class ScfProvider implements DeployProvider {
  readonly target = "scf" as const;
  private readonly timing: Timing;

  constructor(private readonly options: ScfProviderOptions) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
  }

  async plan(spec: FunctionSpec, packaged: PackagedFunction): Promise<DeployPlan> {
    const target = this.resolveTarget(spec);
    const session = this.session(target);
    const consoleUrl = scfConsoleUrl(target.region, target.namespace, target.functionName);
    const env = this.options.env ?? process.env;
    const bucket = resolveCodeBucket(this.options.codeBucket, env);
    const size = checkSizeLimits("scf", packaged, { limits: this.options.sizeLimits, codeBucket: bucket });
    const blockers = [...target.blockers, ...size.problems];
    let codeBucket: CodeBucketLocation | undefined;
    if (size.viaBucket && bucket) {
      const problem = codeBucketProblem("scf", bucket);
      if (problem) blockers.push(problem);
      else codeBucket = codeLocation("scf", bucket, target.region, packaged, target.functionName);
    }
    const current = await this.getFunction(session.api, target);
    const desired = desiredSettings(spec, target.runtime);
    const base = { provider: "scf" as const, functionName: target.functionName, region: target.region, namespace: target.namespace, identity: session.identity, consoleUrl, codeBucket, spec, packaged };

    if (!current) {
      const steps = planScfTriggers(spec, target.functionName, target.namespace, []);
      const configChanges = [
        ...diffSettings(desired.map((s) => ({ ...s, current: undefined }))),
        ...diffEnvironment({}, spec.environment),
      ];
      return { ...base, action: "create", configChanges, codeChanged: true, triggers: steps.map((s) => s.plan), warnings: target.warnings, blockers };
    }

    const warnings = [...target.warnings];
    const currentEnv = Object.fromEntries((current.Environment?.Variables ?? []).map((v) => [v.Key ?? "", v.Value ?? ""]));
    const settings = desired.map((s) => {
      const value = currentValue(current, s.field);
      // SCF takes runtime names in any case: "nodejs18.15" is the cloud's "Nodejs18.15".
      const same = s.field === "Runtime" && String(value ?? "").toLowerCase() === String(s.desired ?? "").toLowerCase();
      return { ...s, current: value, desired: same ? value : s.desired };
    });
    const configChanges = [...diffSettings(settings), ...diffEnvironment(currentEnv, spec.environment)];
    const runtimeChange = configChanges.find((c) => c.field === "Runtime");
    if (runtimeChange) {
      blockers.push(
        `SCF cannot change the runtime of an existing function (${runtimeChange.from} → ${runtimeChange.to}); delete ${target.functionName} in the console (${consoleUrl}) and deploy again, or deploy under another name`,
      );
    }
    if (current.Status && current.Status !== "Active") warnings.push(`${target.functionName} is ${current.Status} in SCF now; the deploy waits for it to become Active first`);
    const codeChanged = await this.codeChanged(session.api, target, packaged);
    if (!codeChanged && configChanges.some((c) => c.field === "Handler")) {
      warnings.push("SCF changes a handler through UpdateFunctionCode, so the code is sent again with it");
    }
    const steps = planScfTriggers(spec, target.functionName, target.namespace, current.Triggers ?? []);
    const triggersChange = steps.some((s) => s.create || s.update);
    const action = codeChanged || configChanges.length > 0 || triggersChange ? "update" : "unchanged";
    return { ...base, action, configChanges, codeChanged, triggers: steps.map((s) => s.plan), warnings, blockers };
  }

  async apply(plan: DeployPlan, progress: ProgressReporter = () => {}): Promise<DeployResult> {
    if (plan.blockers.length > 0) throw new DeployError("config", `cannot deploy ${plan.functionName} to SCF: ${plan.blockers.join("; ")}`);
    const target = this.resolveTarget(plan.spec);
    const session = this.session(target);
    const { api } = session;
    const { functionName, namespace } = target;
    const result: DeployResult = { provider: "scf", functionName, region: target.region, action: plan.action, codeUploaded: false, consoleUrl: plan.consoleUrl };
    if (plan.action === "unchanged") {
      progress(`${functionName} is up to date in SCF (${target.region}/${namespace}); nothing to do`);
      return result;
    }
    // The code as the API takes it: base64 inside the request, or where it lies in COS once put there.
    const code = async (): Promise<ScfCode> => {
      if (!plan.codeBucket) return { ZipFile: plan.packaged.zip.toString("base64") };
      await ensureCodeInBucket(this.cosStore(session, plan.codeBucket), plan.codeBucket, plan.packaged.zip, progress);
      return cosCode(plan.codeBucket);
    };
    const environment = { Variables: Object.entries(plan.spec.environment).map(([Key, Value]) => ({ Key, Value })) };
    const wait = () => waitForScfActive(api, functionName, namespace, this.timing, plan.consoleUrl, progress);

    if (plan.action === "create") {
      const source = await code();
      progress(`creating ${functionName} in ${target.region}/${namespace} (${plan.codeBucket ? `code from ${plan.codeBucket.url}` : `uploading ${formatBytes(plan.packaged.size)}`})`);
      await api.call(
        "CreateFunction",
        (c) =>
          c.CreateFunction({
            FunctionName: functionName,
            Namespace: namespace,
            Code: source,
            CodeSource: plan.codeBucket ? "Cos" : "ZipFile",
            Handler: plan.spec.handler || undefined,
            Runtime: target.runtime,
            MemorySize: plan.spec.memoryMb,
            Timeout: plan.spec.timeoutSec,
            Environment: environment,
            Type: "Event",
          }),
        progress,
      );
      result.codeUploaded = true;
      await wait();
    } else {
      await wait();
      const handlerChanged = plan.configChanges.some((c) => c.field === "Handler");
      if (plan.codeChanged || handlerChanged) {
        const source = await code();
        progress(plan.codeBucket ? `updating code of ${functionName} from ${plan.codeBucket.url}` : `uploading code of ${functionName} (${formatBytes(plan.packaged.size)})`);
        await api.call(
          "UpdateFunctionCode",
          (c) => c.UpdateFunctionCode({ FunctionName: functionName, Namespace: namespace, ...source, Handler: plan.spec.handler || undefined }),
          progress,
        );
        result.codeUploaded = true;
        await wait();
      } else {
        progress(`code of ${functionName} unchanged (sha256 ${plan.packaged.sha256.slice(0, 12)}…); not uploaded`);
      }
      const settings = plan.configChanges.filter((c) => c.field !== "Handler").map((c) => c.field);
      if (settings.length > 0) {
        progress(`updating configuration of ${functionName}: ${settings.join(", ")}`);
        await api.call(
          "UpdateFunctionConfiguration",
          (c) =>
            c.UpdateFunctionConfiguration({
              FunctionName: functionName,
              Namespace: namespace,
              MemorySize: plan.spec.memoryMb,
              Timeout: plan.spec.timeoutSec,
              Environment: environment,
            }),
          progress,
        );
        await wait();
      }
    }

    // Against the triggers as they are now, not as they were at plan time.
    const current = await api.call("GetFunction", (c) => c.GetFunction({ FunctionName: functionName, Namespace: namespace }), progress);
    for (const step of planScfTriggers(plan.spec, functionName, namespace, current.Triggers ?? [])) {
      if (step.create) {
        const request = step.create;
        progress(`creating ${step.plan.type} trigger ${step.plan.name} (${step.plan.detail})`);
        await api.call("CreateTrigger", (c) => c.CreateTrigger(request), progress);
      } else if (step.update) {
        const request = step.update;
        progress(`updating ${step.plan.type} trigger ${step.plan.name} (${step.plan.detail})`);
        await api.call("UpdateTrigger", (c) => c.UpdateTrigger(request), progress);
      }
    }
    return result;
  }

  private resolveTarget(spec: FunctionSpec): Target {
    const env = this.options.env ?? process.env;
    const runtime = runtimeForTarget(spec, "scf");
    const warnings = [...runtime.warnings];
    const blockers = runtime.problem ? [runtime.problem] : [];
    let region = this.options.region;
    if (!region) {
      if (spec.dialect === "scf") region = spec.region;
      else {
        region = env.TENCENTCLOUD_REGION || DEFAULT_SCF_REGION;
        warnings.push(`the manifest names no SCF region; deploying to ${region} (set --region or TENCENTCLOUD_REGION to choose)`);
      }
    }
    const namespace = spec.dialect === "scf" ? spec.namespace : "default";
    return { functionName: spec.name, region, namespace, runtime: runtime.name, warnings, blockers };
  }

  private session(target: Target): Session {
    const credentials = resolveScfCredentials({ credentials: this.options.credentials, env: this.options.env, homeDir: this.options.homeDir });
    const identity = describeScfCredentials(credentials);
    const endpoint = this.options.endpoint ?? (this.options.env ?? process.env).FAASBOX_SCF_ENDPOINT;
    const client = createScfClient(credentials, target.region, endpoint || undefined);
    const secrets = [credentials.secretKey, credentials.token];
    return { api: new ScfApi(client, { functionName: target.functionName, region: target.region, namespace: target.namespace, identity, secrets }, this.timing), identity, credentials };
  }

  /** The code bucket, reached with the same key as SCF. */
  private cosStore(session: Session, location: CodeBucketLocation) {
    const endpoint = this.options.cosEndpoint ?? (this.options.env ?? process.env).FAASBOX_COS_ENDPOINT;
    return createCosStore({ credentials: session.credentials, bucket: location.bucket, region: location.region, identity: session.identity, endpoint: endpoint || undefined });
  }

  private async getFunction(api: ScfApi, target: Target): Promise<GetFunctionResponse | undefined> {
    try {
      return await api.call("GetFunction", (c) => c.GetFunction({ FunctionName: target.functionName, Namespace: target.namespace }));
    } catch (error) {
      if (isScfFunctionMissing(error)) return undefined;
      throw error;
    }
  }

  /**
   * GetFunction has no code hash; GetFunctionAddress gives CodeSha256 (hex in its
   * documented example; base64 is accepted too). When SCF keeps the zip as uploaded, an
   * equal hash means the same code. When the hash cannot be read (no permission for
   * GetFunctionAddress, an older function), the code is uploaded: a needless upload is
   * harmless, a skipped one is not.
   */
  private async codeChanged(api: ScfApi, target: Target, packaged: PackagedFunction): Promise<boolean> {
    try {
      const address = await api.call("GetFunctionAddress", (c) => c.GetFunctionAddress({ FunctionName: target.functionName, Namespace: target.namespace }));
      const cloud = address.CodeSha256 ?? "";
      return cloud.toLowerCase() !== packaged.sha256 && cloud !== Buffer.from(packaged.sha256, "hex").toString("base64");
    } catch {
      return true;
    }
  }
}

type ScfCode = { ZipFile: string } | { CosBucketName: string; CosObjectName: string; CosBucketRegion: string };

/**
 * SCF's API reference (Data Types > Code, as tencentcloud-sdk-nodejs-scf's scf_models also
 * carries it) says CosBucketName is the bucket name's own part, *without* "-APPID", and
 * CosObjectName is the package's path in COS *starting with "/"*; CosBucketRegion is the
 * COS region (the docs insist on it for Beijing, ap-beijing vs ap-beijing-1; it is always
 * sent, since it is right everywhere). UpdateFunctionCode's top-level fields of the same
 * names are described only as "bucket name" and "object path", and get the same forms.
 */
function cosCode(location: CodeBucketLocation): ScfCode {
  return { CosBucketName: location.bucket.replace(/-\d+$/, ""), CosObjectName: `/${location.key}`, CosBucketRegion: location.region };
}

/** The settings the manifest decides, named as SCF names them. */
function desiredSettings(spec: FunctionSpec, runtime: string | undefined) {
  return [
    { field: "Runtime", desired: runtime },
    { field: "Handler", desired: spec.handler || undefined },
    { field: "MemorySize", desired: spec.memoryMb },
    { field: "Timeout", desired: spec.timeoutSec },
  ];
}

function currentValue(current: GetFunctionResponse, field: string): string | number | undefined {
  switch (field) {
    case "Runtime":
      return current.Runtime;
    case "Handler":
      return current.Handler;
    case "MemorySize":
      return current.MemorySize;
    case "Timeout":
      return current.Timeout;
    default:
      return undefined;
  }
}
