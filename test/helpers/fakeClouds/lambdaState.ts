import { createHash, randomUUID } from "node:crypto";
import type { FakeBuckets } from "./buckets";
import { LambdaApiError } from "./lambdaApiError";
import { lambdaCodeFromS3 } from "./lambdaS3Code";
import { decodeBase64, readZipEntries } from "./zipCheck";


type Json = Record<string, unknown>;

export interface FakeLambdaFunction {
  config: Json;
  zip: Buffer;
  url?: Json;
  statements: Map<string, Json>;
}

export interface LambdaUpload {
  operation: string;
  functionName: string;
  /** Base64 SHA-256, as Lambda's CodeSha256. */
  codeSha256: string;
  /** Where the code came from: inside the request, or an S3 object. */
  source: "ZipFile" | "S3";
}

export const ACCOUNT = "123456789012";

/** Every value of the Runtime enum the SDK knows that Faasbox can produce. */
const RUNTIME_ENUM = [
  "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
  "python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
  "provided", "provided.al2", "provided.al2023", "java8", "java8.al2", "java11", "java17", "java21", "dotnet8", "ruby3.3",
];
const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const NAME_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;
const ZIP_LIMIT = 50 * 1024 * 1024;

/** Lambda's functions in memory, with the checks Lambda makes on each operation it implements. */
export class FakeLambdaState {
  readonly functions = new Map<string, FakeLambdaFunction>();
  readonly uploads: LambdaUpload[] = [];

  constructor(
    /** How long Pending / InProgress lasts: long enough that the SDK's waiters must poll. */
    public transitionMs: number,
    /** Runtimes Lambda no longer takes for new functions (InvalidParameterValueException). */
    public deprecatedRuntimes: readonly string[],
    /** The account's S3 buckets, where code given as S3Bucket/S3Key is read. */
    public s3?: FakeBuckets,
  ) {}

  get(region: string, name: string): FakeLambdaFunction {
    const fn = this.functions.get(`${region}/${name}`);
    if (!fn) throw new LambdaApiError(404, "ResourceNotFoundException", `Function not found: ${arn(region, name)}`);
    return fn;
  }

  async createFunction(region: string, body: Json): Promise<Json> {
    const name = body.FunctionName;
    if (typeof name !== "string" || !NAME_PATTERN.test(name)) throw validation("functionName", name, `Member must satisfy regular expression pattern: ${NAME_PATTERN.source}`);
    if (typeof body.Role !== "string" || !ROLE_PATTERN.test(body.Role)) throw validation("role", body.Role, `Member must satisfy regular expression pattern: ${ROLE_PATTERN.source}`);
    const runtime = body.Runtime;
    if (typeof runtime !== "string" || !RUNTIME_ENUM.includes(runtime)) throw validation("runtime", runtime, `Member must satisfy enum value set: [${RUNTIME_ENUM.join(", ")}]`);
    if (this.deprecatedRuntimes.includes(runtime)) {
      throw new LambdaApiError(
        400,
        "InvalidParameterValueException",
        `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
      );
    }
    if (!runtime.startsWith("provided") && typeof body.Handler !== "string") throw new LambdaApiError(400, "InvalidParameterValueException", "The Handler parameter is required for this runtime.");
    if (this.functions.has(`${region}/${name}`)) throw new LambdaApiError(409, "ResourceConflictException", `Function already exist: ${name}`);
    const code = body.Code as Json | undefined;
    if (!code || typeof code !== "object") throw validation("code", undefined, "Member must not be null");
    const { zip, source } = await this.codeOf(region, code);
    const config: Json = {
      FunctionName: name,
      FunctionArn: arn(region, name),
      Runtime: runtime,
      Role: body.Role,
      Handler: body.Handler,
      CodeSize: zip.length,
      Description: body.Description ?? "",
      Timeout: checkRange("timeout", body.Timeout, 1, 900) ?? 3,
      MemorySize: checkRange("memorySize", body.MemorySize, 128, 10240) ?? 128,
      CodeSha256: sha256Base64(zip),
      Version: "$LATEST",
      Environment: { Variables: checkVariables(body.Environment) ?? {} },
      PackageType: "Zip",
      Architectures: ["x86_64"],
      EphemeralStorage: { Size: 512 },
      TracingConfig: { Mode: "PassThrough" },
      State: "Pending",
      StateReason: "The function is being created.",
      StateReasonCode: "Creating",
      LastUpdateStatus: "InProgress",
      LastUpdateStatusReason: "The function is being created.",
      LastUpdateStatusReasonCode: "Creating",
    };
    touch(config);
    const fn: FakeLambdaFunction = { config, zip, statements: new Map() };
    this.functions.set(`${region}/${name}`, fn);
    this.uploads.push({ operation: "CreateFunction", functionName: name, codeSha256: config.CodeSha256 as string, source });
    this.settle(fn, true);
    return config;
  }

  getFunction(region: string, name: string): Json {
    const fn = this.get(region, name);
    return {
      Configuration: fn.config,
      Code: { RepositoryType: "S3", Location: `https://awslambda-${region}-tasks.s3.${region}.amazonaws.com/snapshots/${ACCOUNT}/${name}-fake` },
    };
  }

  async updateFunctionCode(region: string, name: string, body: Json): Promise<Json> {
    const fn = this.get(region, name);
    mayChange(fn);
    const sources = ["ZipFile", "S3Bucket", "ImageUri"].filter((key) => body[key] !== undefined);
    if (sources.length !== 1) throw new LambdaApiError(400, "InvalidParameterValueException", "Please provide a source for function code.");
    if (body.ImageUri !== undefined) throw new LambdaApiError(400, "InvalidParameterValueException", "This fake takes code as ZipFile or from S3 only.");
    const { zip, source } = await this.codeOf(region, body);
    fn.zip = zip;
    Object.assign(fn.config, { CodeSha256: sha256Base64(zip), CodeSize: zip.length });
    this.uploads.push({ operation: "UpdateFunctionCode", functionName: name, codeSha256: fn.config.CodeSha256 as string, source });
    this.startUpdate(fn);
    return fn.config;
  }

  updateFunctionConfiguration(region: string, name: string, body: Json): Json {
    const fn = this.get(region, name);
    mayChange(fn);
    if (body.Runtime !== undefined) {
      if (typeof body.Runtime !== "string" || !RUNTIME_ENUM.includes(body.Runtime)) throw validation("runtime", body.Runtime, "Member must satisfy enum value set");
      if (this.deprecatedRuntimes.includes(body.Runtime) && body.Runtime !== fn.config.Runtime) {
        throw new LambdaApiError(400, "InvalidParameterValueException", `The runtime parameter of ${body.Runtime} is no longer supported for creating or updating AWS Lambda functions.`);
      }
      fn.config.Runtime = body.Runtime;
    }
    if (body.Role !== undefined) {
      if (typeof body.Role !== "string" || !ROLE_PATTERN.test(body.Role)) throw validation("role", body.Role, "Member must satisfy regular expression pattern");
      fn.config.Role = body.Role;
    }
    if (body.Handler !== undefined) fn.config.Handler = body.Handler;
    fn.config.Timeout = checkRange("timeout", body.Timeout, 1, 900) ?? fn.config.Timeout;
    fn.config.MemorySize = checkRange("memorySize", body.MemorySize, 128, 10240) ?? fn.config.MemorySize;
    const variables = checkVariables(body.Environment);
    if (variables) fn.config.Environment = { Variables: variables };
    this.startUpdate(fn);
    return fn.config;
  }

  createFunctionUrlConfig(region: string, name: string, body: Json): Json {
    const fn = this.get(region, name);
    if (body.AuthType !== "NONE" && body.AuthType !== "AWS_IAM") throw validation("authType", body.AuthType, "Member must satisfy enum value set: [NONE, AWS_IAM]");
    if (fn.url) throw new LambdaApiError(409, "ResourceConflictException", `Failed to create function url config for [functionArn = ${arn(region, name)}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    const now = new Date().toISOString();
    fn.url = {
      FunctionUrl: `https://${randomUUID().replace(/-/g, "").slice(0, 32)}.lambda-url.${region}.on.aws/`,
      FunctionArn: arn(region, name),
      AuthType: body.AuthType,
      Cors: body.Cors,
      CreationTime: now,
      LastModifiedTime: now,
      InvokeMode: body.InvokeMode ?? "BUFFERED",
    };
    return { FunctionUrl: fn.url.FunctionUrl, FunctionArn: fn.url.FunctionArn, AuthType: fn.url.AuthType, Cors: fn.url.Cors, CreationTime: now, InvokeMode: fn.url.InvokeMode };
  }

  getFunctionUrlConfig(region: string, name: string): Json {
    const fn = this.get(region, name);
    if (!fn.url) throw new LambdaApiError(404, "ResourceNotFoundException", "The resource you requested does not exist.");
    return fn.url;
  }

  addPermission(region: string, name: string, body: Json): Json {
    const fn = this.get(region, name);
    for (const field of ["StatementId", "Action", "Principal"]) {
      if (typeof body[field] !== "string") throw validation(field[0].toLowerCase() + field.slice(1), body[field], "Member must not be null");
    }
    const id = body.StatementId as string;
    if (fn.statements.has(id)) {
      throw new LambdaApiError(409, "ResourceConflictException", `The statement id (${id}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const condition: Json = {};
    if (body.FunctionUrlAuthType) condition.StringEquals = { "lambda:FunctionUrlAuthType": body.FunctionUrlAuthType };
    if (body.InvokedViaFunctionUrl) condition.Bool = { "lambda:InvokedViaFunctionUrl": "true" };
    const statement = { Sid: id, Effect: "Allow", Principal: body.Principal, Action: body.Action, Resource: arn(region, name), Condition: condition };
    fn.statements.set(id, statement);
    return { Statement: JSON.stringify(statement) };
  }

  /** The zip from the request or from S3; either way Lambda unzips it before taking it. */
  private async codeOf(region: string, code: Json): Promise<{ zip: Buffer; source: LambdaUpload["source"] }> {
    if (code.S3Bucket === undefined && code.S3Key === undefined) return { zip: await validZip(code.ZipFile), source: "ZipFile" };
    if (code.ZipFile !== undefined) throw new LambdaApiError(400, "InvalidParameterValueException", "Please provide only one source for function code.");
    const zip = lambdaCodeFromS3(this.s3, region, code.S3Bucket, code.S3Key);
    if (!(await readZipEntries(zip))) throw new LambdaApiError(400, "InvalidParameterValueException", "Could not unzip uploaded file. Please check your file, then try to upload again.");
    return { zip, source: "S3" };
  }

  private startUpdate(fn: FakeLambdaFunction): void {
    Object.assign(fn.config, { LastUpdateStatus: "InProgress", LastUpdateStatusReason: "The function is being updated.", LastUpdateStatusReasonCode: "Updating" });
    touch(fn.config);
    this.settle(fn, false);
  }

  /** Pending → Active and InProgress → Successful after a while, as Lambda does. */
  private settle(fn: FakeLambdaFunction, created: boolean): void {
    setTimeout(() => {
      if (created) Object.assign(fn.config, { State: "Active", StateReason: undefined, StateReasonCode: undefined });
      Object.assign(fn.config, { LastUpdateStatus: "Successful", LastUpdateStatusReason: undefined, LastUpdateStatusReasonCode: undefined });
    }, this.transitionMs).unref();
  }
}

/** Lambda refuses a change while the function is Pending or another update runs. */
function mayChange(fn: FakeLambdaFunction): void {
  if (fn.config.State !== "Active") {
    throw new LambdaApiError(409, "ResourceConflictException", `The operation cannot be performed at this time. The function is currently in the following state: ${fn.config.State}`);
  }
  if (fn.config.LastUpdateStatus === "InProgress") {
    throw new LambdaApiError(409, "ResourceConflictException", `The operation cannot be performed at this time. An update is in progress for resource: ${fn.config.FunctionArn}`);
  }
}

async function validZip(value: unknown): Promise<Buffer> {
  const zip = decodeBase64(value);
  if (zip && zip.length > ZIP_LIMIT) throw new LambdaApiError(413, "RequestEntityTooLargeException", "Request must be smaller than 69905067 bytes for the CreateFunction operation");
  if (!zip || !(await readZipEntries(zip))) throw new LambdaApiError(400, "InvalidParameterValueException", "Could not unzip uploaded file. Please check your file, then try to upload again.");
  return zip;
}

function validation(field: string, value: unknown, constraint: string): LambdaApiError {
  return new LambdaApiError(400, "ValidationException", `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

function checkRange(field: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw validation(field, value, `Member must have value ${value !== undefined && Number(value) < min ? "greater than or equal to " + min : "less than or equal to " + max}`);
  }
  return value;
}

function checkVariables(environment: unknown): Record<string, string> | undefined {
  if (environment === undefined) return undefined;
  const variables = (environment as Json).Variables ?? {};
  for (const [key, value] of Object.entries(variables as Json)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(key) || typeof value !== "string") {
      throw validation("environment.variables", key, "Member must satisfy key pattern [a-zA-Z]([a-zA-Z0-9_])+ with string values");
    }
  }
  return variables as Record<string, string>;
}

function arn(region: string, name: string): string {
  return `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;
}

function sha256Base64(data: Buffer): string {
  return createHash("sha256").update(data).digest("base64");
}

/** Lambda's LastModified format: 2024-01-02T03:04:05.678+0000. */
function touch(config: Json): void {
  config.LastModified = new Date().toISOString().replace("Z", "+0000");
  config.RevisionId = randomUUID();
}
