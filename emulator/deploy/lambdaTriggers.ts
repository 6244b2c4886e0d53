import { AddPermissionCommand, CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand } from "@aws-sdk/client-lambda";
import type { FunctionSpec, HttpRoute, TriggerSpec } from "../project/spec";
import { isLambdaNotFound, type LambdaApi } from "./lambdaApi";
import { awsErrorName } from "./lambdaErrors";
import type { ProgressReporter, TriggerPlan } from "./types";

/**
 * A function with HTTP routes gets a Function URL, public (AuthType NONE): it is the one
 * HTTP endpoint Lambda gives without API Gateway, and its event is API Gateway HTTP API's
 * payload 2.0, so handlers written for HttpApi routes work unchanged (REST API 1.0 handlers
 * read different fields). One URL serves every path; API Gateway is not configured.
 * Schedules, topics, queues and buckets need EventBridge, SNS, SQS or S3 set up, which
 * `sam deploy` does; Faasbox lists them as skipped.
 */
export function planLambdaTriggers(spec: FunctionSpec, existingUrl: string | undefined): TriggerPlan[] {
  const plans: TriggerPlan[] = [];
  const routes = spec.triggers.filter((t): t is HttpRoute => t.kind === "http");
  if (routes.length > 0) {
    const paths = routes.map((r) => `${r.method} ${r.path}`).join(", ");
    const v1 = routes.some((r) => r.payload === "aws-v1") ? "; REST API (payload 1.0) routes get payload 2.0 events from a Function URL" : "";
    const note = `one public Function URL serves ${paths}${v1}`;
    plans.push(
      existingUrl
        ? { type: "function-url", name: "Function URL", action: "unchanged", detail: existingUrl, note }
        : { type: "function-url", name: "Function URL", action: "create", detail: "public (AuthType NONE)", note },
    );
  }
  for (const trigger of spec.triggers) {
    if (trigger.kind === "http") continue;
    const [service, detail] = cloudSetup(trigger);
    plans.push({ type: trigger.kind, name: trigger.name, action: "skip", detail, note: `needs ${service} set up; deploy it with \`sam deploy\` or the console` });
  }
  return plans;
}

/** The AWS service a trigger needs set up, and what it names there. */
function cloudSetup(trigger: Exclude<TriggerSpec, HttpRoute>): [string, string] {
  switch (trigger.kind) {
    case "timer":
      return ["EventBridge", trigger.schedule];
    case "storage":
      return ["S3", trigger.bucket];
    case "topic":
      return [trigger.source === "queue" ? "SQS" : "SNS", trigger.topic];
    case "eventRule":
      return ["EventBridge", `bus ${trigger.bus}`];
    case "url":
      return ["a Function URL", `AuthType ${trigger.authType}, ${trigger.invokeMode}`];
    case "stream":
      return [trigger.source === "kinesis" ? "a Kinesis event source mapping" : "a DynamoDB stream event source mapping", trigger.stream];
    case "database":
      // faasbox.yml's plain change event has no cloud counterpart: in AWS, DMS puts changes on a Kinesis stream.
      return ["DMS writing the database's changes to a Kinesis stream, and a Kinesis event source mapping", `database ${trigger.source}`];
  }
}

export async function getFunctionUrl(api: LambdaApi, progress?: ProgressReporter): Promise<string | undefined> {
  try {
    const config = await api.call("GetFunctionUrlConfig", (c) => c.send(new GetFunctionUrlConfigCommand({ FunctionName: api.context.functionName })), progress);
    return config.FunctionUrl;
  } catch (error) {
    if (isLambdaNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Creates the Function URL, then the two resource-policy statements a public URL needs:
 * lambda:InvokeFunctionUrl for everyone with FunctionUrlAuthType NONE, and (required for
 * URLs created since October 2025) lambda:InvokeFunction limited to calls through the URL.
 * A statement that already exists is fine.
 */
export async function createFunctionUrl(api: LambdaApi, routes: readonly HttpRoute[], progress: ProgressReporter): Promise<string | undefined> {
  const FunctionName = api.context.functionName;
  progress(`creating a public Function URL for ${FunctionName}`);
  const cors = routes.some((r) => r.cors) ? { AllowOrigins: ["*"], AllowMethods: ["*"], AllowHeaders: ["*"] } : undefined;
  const created = await api.call("CreateFunctionUrlConfig", (c) => c.send(new CreateFunctionUrlConfigCommand({ FunctionName, AuthType: "NONE", Cors: cors })), progress);
  const statements = [
    { StatementId: "FunctionURLAllowPublicAccess", Action: "lambda:InvokeFunctionUrl", Principal: "*", FunctionUrlAuthType: "NONE" as const },
    { StatementId: "FunctionURLInvokeAllowPublicAccess", Action: "lambda:InvokeFunction", Principal: "*", InvokedViaFunctionUrl: true },
  ];
  for (const statement of statements) {
    try {
      await api.call("AddPermission", (c) => c.send(new AddPermissionCommand({ FunctionName, ...statement })), progress);
    } catch (error) {
      if ((error as { cloudCode?: string }).cloudCode !== "ResourceConflictException" && awsErrorName(error) !== "ResourceConflictException") throw error;
    }
  }
  return created.FunctionUrl;
}
