import { createHash } from "node:crypto";
import type { FakeBuckets } from "./buckets";
import { scfCodeFromCos } from "./scfCosCode";
import { allowOnly, optionalInteger, optionalObject, optionalString, requireString, ScfApiError, type Params } from "./scfParams";
import { decodeBase64, readZipEntries } from "./zipCheck";

export interface FakeScfTrigger {
  Type: string;
  TriggerName: string;
  /** As GetFunction reports it: a timer's cron wrapped as {"cron": ...}. */
  TriggerDesc: string;
  Enable: number;
  CustomArgument: string;
  Qualifier: string;
  AddTime: string;
  ModTime: string;
  AvailableStatus: string;
}

export interface FakeScfFunction {
  FunctionName: string;
  Namespace: string;
  Runtime: string;
  Handler: string;
  MemorySize: number;
  Timeout: number;
  Variables: { Key: string; Value: string }[];
  Status: string;
  zip: Buffer;
  Triggers: FakeScfTrigger[];
  AddTime: string;
  ModTime: string;
}

export interface ScfUpload {
  action: string;
  functionName: string;
  sha256: string;
  /** Where the code came from: inside the request, or a COS object. */
  source: "ZipFile" | "Cos";
}

/**
 * The runtimes CreateFunction's reference lists (tencentcloud-sdk-nodejs-scf's scf_models.d.ts), and
 * Java11, which SCF's Java page names beside Java8 (https://cloud.tencent.com/document/product/583/67366).
 */
export const SCF_RUNTIMES = [
  "Python2.7", "Python3.6", "Python3.7", "Python3.9", "Python3.10",
  "Nodejs6.10", "Nodejs8.9", "Nodejs10.15", "Nodejs12.16", "Nodejs14.18", "Nodejs16.13", "Nodejs18.15",
  "Php5.6", "Php7", "Php7.4", "Php8.0", "Go1", "Java8", "Java11", "CustomRuntime",
];

const CODE_KEYS = ["CosBucketName", "CosObjectName", "ZipFile", "CosBucketRegion", "DemoId", "TempCosObjectName", "GitUrl", "GitUserName", "GitPassword", "GitPasswordSecret", "GitBranch", "GitDirectory", "GitCommitId", "GitUserNameSecret", "ImageConfig"];
const CREATE_KEYS = [
  "FunctionName", "Code", "Handler", "Description", "MemorySize", "Timeout", "Environment", "Runtime", "VpcConfig", "Namespace", "Role", "InstallDependency",
  "ClsLogsetId", "ClsTopicId", "Type", "CodeSource", "Layers", "DeadLetterConfig", "PublicNetConfig", "CfsConfig", "InitTimeout", "Tags", "AsyncRunEnable",
  "TraceEnable", "AutoDeployClsTopicIndex", "AutoCreateClsTopic", "ProtocolType", "ProtocolParams", "InstanceConcurrencyConfig", "DnsCache", "IntranetConfig",
];
const UPDATE_CODE_KEYS = ["FunctionName", "Handler", "CosBucketName", "CosObjectName", "ZipFile", "Namespace", "CosBucketRegion", "InstallDependency", "EnvId", "Publish", "Code", "CodeSource"];
const UPDATE_CONFIG_KEYS = [
  "FunctionName", "Description", "MemorySize", "Timeout", "Runtime", "Environment", "Namespace", "VpcConfig", "Role", "InstallDependency", "ClsLogsetId", "ClsTopicId",
  "Publish", "L5Enable", "Layers", "DeadLetterConfig", "PublicNetConfig", "CfsConfig", "InitTimeout", "ProtocolParams", "InstanceConcurrencyConfig", "DnsCache",
  "IntranetConfig", "IgnoreSysLog",
];
const TRIGGER_KEYS = ["FunctionName", "TriggerName", "Type", "TriggerDesc", "Namespace", "Qualifier", "Enable", "CustomArgument", "Description"];

/** SCF's functions in memory, and the handlers of the actions Faasbox calls, checking what SCF checks. */
export class FakeScfState {
  readonly functions = new Map<string, FakeScfFunction>();
  readonly namespaces = new Set(["default"]);
  readonly uploads: ScfUpload[] = [];

  constructor(
    /** How long Creating/Updating lasts before Active: long enough that a deploy must wait. */
    public transitionMs: number,
    public runtimes: readonly string[] = SCF_RUNTIMES,
    /** The account's COS buckets, where code given as CosBucketName/CosObjectName is read. */
    public cos?: FakeBuckets,
    /** The account's APPID, which SCF adds to CosBucketName. */
    public appId = "1250000000",
  ) {}

  key(region: string, namespace: string, name: string): string {
    return `${region}/${namespace}/${name}`;
  }

  find(region: string, params: Params): FakeScfFunction {
    const name = requireString(params, "FunctionName");
    const namespace = optionalString(params, "Namespace") ?? "default";
    const fn = this.functions.get(this.key(region, namespace, name));
    if (!fn) throw new ScfApiError("ResourceNotFound.Function", `未找到指定的Function，请创建后再试。 (${name} in namespace ${namespace})`);
    return fn;
  }

  GetFunction(region: string, params: Params): Params {
    allowOnly(params, ["FunctionName", "Qualifier", "Namespace", "ShowCode"]);
    const fn = this.find(region, params);
    return {
      FunctionName: fn.FunctionName,
      Namespace: fn.Namespace,
      Runtime: fn.Runtime,
      Handler: fn.Handler,
      MemorySize: fn.MemorySize,
      Timeout: fn.Timeout,
      Environment: { Variables: fn.Variables },
      Status: fn.Status,
      StatusDesc: fn.Status === "Active" ? "" : `function is ${fn.Status}`,
      StatusReasons: [],
      CodeSize: fn.zip.length,
      Triggers: fn.Triggers,
      Type: "Event",
      Qualifier: "$LATEST",
      FunctionVersion: "$LATEST",
      AddTime: fn.AddTime,
      ModTime: fn.ModTime,
    };
  }

  GetFunctionAddress(region: string, params: Params): Params {
    allowOnly(params, ["FunctionName", "Qualifier", "Namespace"]);
    const fn = this.find(region, params);
    return { Url: `https://fake-cos.invalid/${fn.FunctionName}.zip`, CodeSha256: sha256Hex(fn.zip) };
  }

  async CreateFunction(region: string, params: Params): Promise<Params> {
    allowOnly(params, CREATE_KEYS);
    const name = requireString(params, "FunctionName");
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/.test(name)) {
      throw new ScfApiError("InvalidParameterValue.FunctionName", "函数名称格式错误：须以字母开头，由字母、数字、下划线和连接符组成，长度2-60，不能以下划线或连接符结尾。");
    }
    const namespace = optionalString(params, "Namespace") ?? "default";
    if (!this.namespaces.has(namespace)) throw new ScfApiError("ResourceNotFound.Namespace", `Namespace ${namespace} 不存在。`);
    if (this.functions.has(this.key(region, namespace, name))) throw new ScfApiError("ResourceInUse.Function", `函数 ${name} 已存在。`);
    const runtime = optionalString(params, "Runtime") ?? "Python2.7";
    const known = this.runtimes.find((r) => r.toLowerCase() === runtime.toLowerCase());
    if (!known) throw new ScfApiError("InvalidParameterValue.Runtime", `Runtime 取值与规范不符，请修正后再试。可选值：${this.runtimes.join(", ")}`);
    const type = optionalString(params, "Type") ?? "Event";
    if (type !== "Event" && type !== "HTTP") throw new ScfApiError("InvalidParameterValue.Type", "Type 取值与规范不符，请修正后再试。可选值：Event, HTTP");
    const source = optionalString(params, "CodeSource");
    if (source !== undefined && !["ZipFile", "Cos", "Demo"].includes(source)) throw new ScfApiError("InvalidParameterValue.CodeSource", "CodeSource 取值与规范不符：ZipFile, Cos, Demo。");
    const code = optionalObject(params, "Code");
    if (!code) throw new ScfApiError("MissingParameter", "The request is missing a required parameter `Code`.");
    allowOnly(code, CODE_KEYS);
    const { zip, source: from } = await this.codeOf(region, code);
    const now = timestamp();
    const fn: FakeScfFunction = {
      FunctionName: name,
      Namespace: namespace,
      Runtime: known,
      Handler: optionalString(params, "Handler") ?? "index.main_handler",
      MemorySize: validMemory(optionalInteger(params, "MemorySize")) ?? 128,
      Timeout: validTimeout(optionalInteger(params, "Timeout")) ?? 3,
      Variables: validEnvironment(optionalObject(params, "Environment")) ?? [],
      Status: "Creating",
      zip,
      Triggers: [],
      AddTime: now,
      ModTime: now,
    };
    this.functions.set(this.key(region, namespace, name), fn);
    this.uploads.push({ action: "CreateFunction", functionName: name, sha256: sha256Hex(zip), source: from });
    this.settle(fn);
    return {};
  }

  async UpdateFunctionCode(region: string, params: Params): Promise<Params> {
    allowOnly(params, UPDATE_CODE_KEYS);
    const fn = this.find(region, params);
    mustBeActive(fn, "FailedOperation.UpdateFunctionCode");
    const code = optionalObject(params, "Code");
    if (code) allowOnly(code, CODE_KEYS);
    const topLevel = ["ZipFile", "CosBucketName", "CosObjectName"].some((key) => params[key] !== undefined);
    const source = topLevel ? params : code;
    if (!source || !["ZipFile", "CosBucketName", "CosObjectName"].some((key) => source[key] !== undefined)) {
      throw new ScfApiError("MissingParameter", "The request is missing a required parameter `ZipFile` (or CosBucketName and CosObjectName).");
    }
    const { zip, source: from } = await this.codeOf(region, source);
    fn.zip = zip;
    fn.Handler = optionalString(params, "Handler") ?? fn.Handler;
    this.uploads.push({ action: "UpdateFunctionCode", functionName: fn.FunctionName, sha256: sha256Hex(zip), source: from });
    fn.Status = "Updating";
    this.settle(fn);
    return {};
  }

  UpdateFunctionConfiguration(region: string, params: Params): Params {
    allowOnly(params, UPDATE_CONFIG_KEYS);
    const fn = this.find(region, params);
    mustBeActive(fn, "FailedOperation.UpdateFunctionConfiguration");
    const runtime = optionalString(params, "Runtime");
    if (runtime !== undefined && runtime.toLowerCase() !== fn.Runtime.toLowerCase()) {
      throw new ScfApiError("InvalidParameterValue.Runtime", "函数运行环境创建时指定，目前不支持修改。");
    }
    fn.MemorySize = validMemory(optionalInteger(params, "MemorySize")) ?? fn.MemorySize;
    fn.Timeout = validTimeout(optionalInteger(params, "Timeout")) ?? fn.Timeout;
    fn.Variables = validEnvironment(optionalObject(params, "Environment")) ?? fn.Variables;
    fn.Status = "Updating";
    this.settle(fn);
    return {};
  }

  CreateTrigger(region: string, params: Params): Params {
    allowOnly(params, TRIGGER_KEYS);
    const fn = this.find(region, params);
    mustBeActive(fn, "FailedOperation.CreateTrigger");
    const name = requireString(params, "TriggerName");
    const type = requireString(params, "Type");
    const enable = optionalString(params, "Enable") ?? "OPEN";
    if (enable !== "OPEN" && enable !== "CLOSE") throw new ScfApiError("InvalidParameterValue.Enable", "Enable 取值与规范不符：OPEN 或 CLOSE。");
    const desc = triggerDesc(type, name, optionalString(params, "TriggerDesc"));
    if (fn.Triggers.some((t) => t.Type === type && (t.TriggerName === name || type === "http"))) {
      throw new ScfApiError("ResourceInUse.Trigger", `触发器 ${name} 已存在。`);
    }
    const now = timestamp();
    const trigger: FakeScfTrigger = {
      Type: type,
      TriggerName: name,
      TriggerDesc: desc,
      Enable: enable === "OPEN" ? 1 : 0,
      CustomArgument: optionalString(params, "CustomArgument") ?? "",
      Qualifier: optionalString(params, "Qualifier") ?? "$LATEST",
      AddTime: now,
      ModTime: now,
      AvailableStatus: "Available",
    };
    fn.Triggers.push(trigger);
    return { TriggerInfo: trigger };
  }

  UpdateTrigger(region: string, params: Params): Params {
    allowOnly(params, TRIGGER_KEYS);
    const fn = this.find(region, params);
    const name = requireString(params, "TriggerName");
    const type = requireString(params, "Type");
    if (!["timer", "ckafka", "http"].includes(type)) throw new ScfApiError("InvalidParameterValue.Type", "UpdateTrigger 目前只支持 timer、ckafka、http 三种类型。");
    const trigger = fn.Triggers.find((t) => t.Type === type && t.TriggerName === name);
    if (!trigger) throw new ScfApiError("ResourceNotFound.Trigger", `未找到触发器 ${name}。`);
    const desc = optionalString(params, "TriggerDesc");
    if (desc !== undefined) trigger.TriggerDesc = triggerDesc(type, name, desc);
    const enable = optionalString(params, "Enable");
    if (enable !== undefined) {
      if (enable !== "OPEN" && enable !== "CLOSE") throw new ScfApiError("InvalidParameterValue.Enable", "Enable 取值与规范不符：OPEN 或 CLOSE。");
      trigger.Enable = enable === "OPEN" ? 1 : 0;
    }
    trigger.CustomArgument = optionalString(params, "CustomArgument") ?? trigger.CustomArgument;
    trigger.ModTime = timestamp();
    return {};
  }

  /** The zip from the request or from COS; either way SCF unzips it before taking it. */
  private async codeOf(region: string, source: Params): Promise<{ zip: Buffer; source: ScfUpload["source"] }> {
    const fromCos = source.CosBucketName !== undefined || source.CosObjectName !== undefined;
    if (fromCos && source.ZipFile !== undefined) throw new ScfApiError("InvalidParameterValue.Code", "函数代码不能同时指定 Cos、ZipFile 或 DemoId。");
    if (!fromCos) return { zip: await validZip(source.ZipFile), source: "ZipFile" };
    return { zip: await readableZip(scfCodeFromCos(this.cos, this.appId, region, source)), source: "Cos" };
  }

  /** Creating/Updating becomes Active after a while, as in SCF. */
  private settle(fn: FakeScfFunction): void {
    fn.ModTime = timestamp();
    setTimeout(() => {
      fn.Status = "Active";
    }, this.transitionMs).unref();
  }
}

function mustBeActive(fn: FakeScfFunction, code: string): void {
  if (fn.Status !== "Active") throw new ScfApiError(code, `当前函数处于${fn.Status}状态，无法进行此操作，请稍后重试。`);
}

async function validZip(value: unknown): Promise<Buffer> {
  const zip = decodeBase64(value);
  if (!zip || !(await readZipEntries(zip))) throw new ScfApiError("InvalidParameterValue.ZipFile", "ZipFile 不是有效的 base64 编码的 zip 文件。");
  return zip;
}

async function readableZip(zip: Buffer): Promise<Buffer> {
  if (!(await readZipEntries(zip))) throw new ScfApiError("InvalidParameterValue.Cos", "COS 中的代码包不是有效的 zip 文件。");
  return zip;
}

function validMemory(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value === 64 || (value >= 128 && value <= 3072 && value % 128 === 0)) return value;
  throw new ScfApiError("InvalidParameterValue.MemorySize", "MemorySize 取值与规范不符：64，或 128MB-3072MB 内以 128MB 为阶梯。");
}

function validTimeout(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value >= 1 && value <= 900) return value;
  throw new ScfApiError("InvalidParameterValue.Timeout", "Timeout 取值与规范不符：1-900 秒。");
}

function validEnvironment(environment: Params | undefined): { Key: string; Value: string }[] | undefined {
  if (!environment) return undefined;
  allowOnly(environment, ["Variables"]);
  const variables = environment.Variables ?? [];
  if (!Array.isArray(variables)) throw new ScfApiError("InvalidParameterValue.Environment", "Environment.Variables 须为 {Key, Value} 数组。");
  return variables.map((variable: unknown) => {
    const { Key, Value } = (variable ?? {}) as Params;
    if (typeof Key !== "string" || !/^[A-Za-z][A-Za-z0-9_]*$/.test(Key) || typeof Value !== "string" || Value === "") {
      throw new ScfApiError("InvalidParameterValue.Environment", "环境变量的 Key 须以字母开头，由字母、数字和下划线组成，Value 不可为空。");
    }
    return { Key, Value };
  });
}

/** The stored form of a trigger's description, after SCF's checks for its type. */
function triggerDesc(type: string, name: string, desc: string | undefined): string {
  if (type === "timer") {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,99}$/.test(name)) throw new ScfApiError("InvalidParameterValue.TriggerName", "定时触发器名称须以字母开头，由字母、数字、连接符和下划线组成，最长100个字符。");
    const fields = (desc ?? "").trim().split(/\s+/);
    if ((fields.length !== 7 && fields.length !== 5) || !fields.every((f) => /^[0-9*,\-/?LW#A-Za-z]+$/.test(f))) {
      throw new ScfApiError("InvalidParameterValue.TriggerDesc", "TriggerDesc 须为 cron 表达式（秒 分 时 日 月 周 年）。");
    }
    return JSON.stringify({ cron: desc });
  }
  if (type === "http") {
    let parsed: Params;
    try {
      parsed = JSON.parse(desc ?? "") as Params;
    } catch {
      throw new ScfApiError("InvalidParameterValue.TriggerDesc", "函数 URL 的 TriggerDesc 须为 JSON。");
    }
    const net = parsed.NetConfig as Params | undefined;
    if (!["NONE", "CAM"].includes(parsed.AuthType as string) || typeof net?.EnableIntranet !== "boolean" || typeof net.EnableExtranet !== "boolean") {
      throw new ScfApiError("InvalidParameterValue.TriggerDesc", "函数 URL 须有 AuthType（NONE 或 CAM）与 NetConfig.EnableIntranet/EnableExtranet。");
    }
    return desc!;
  }
  if (["cos", "cls", "ckafka", "cmq"].includes(type)) return desc ?? "";
  throw new ScfApiError("InvalidParameterValue.Type", `Type ${type} 取值与规范不符：cos、cls、timer、ckafka、http。`);
}

function sha256Hex(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function timestamp(): string {
  return new Date().toISOString().replace("T", " ").slice(0, 19);
}
