// A function's URL as the manifests declare it: SAM's FunctionUrlConfig (and the plain
// CloudFormation AWS::Lambda::Url it becomes), and the Serverless Framework's `url`.
// SAM: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-functionurlconfig.html
// CloudFormation: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-url.html
// and its Cors: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-url-cors.html
// Serverless Framework: https://www.serverless.com/framework/docs/providers/aws/guide/functions#lambda-function-urls
import type { CorsConfig, FunctionUrlTrigger } from "../protocol";
import { corsConfigProblem } from "../triggers/http/cors";
import type { YamlField } from "./yamlSource";

const AUTH_TYPES = ["AWS_IAM", "NONE"] as const;
const INVOKE_MODES = ["BUFFERED", "RESPONSE_STREAM"] as const;
/** Cors.AllowMethods: "Allowed values: GET | PUT | HEAD | POST | PATCH | DELETE | *" (CloudFormation's Cors page). */
const CORS_METHODS = ["GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "*"];
/** Cors.MaxAge: "Minimum value of 0. Maximum value of 86400" (https://docs.aws.amazon.com/lambda/latest/api/API_Cors.html). */
const MAX_AGE_LIMIT = 86_400;

function oneOf<T extends string>(field: YamlField, allowed: readonly T[], what: string): T | undefined {
  const value = field.string(`${what}: ${allowed.join(" or ")}`);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw field.wrongType(`${what}: ${allowed.join(" or ")}`);
  return value as T;
}

/** SAM's FunctionUrlConfig (Globals.Function too) or an AWS::Lambda::Url's Properties: AuthType required, Cors and InvokeMode optional. */
export function readUrlConfig(field: YamlField, name: string): FunctionUrlTrigger {
  if (!field.isMap()) throw field.wrongType("a map with AuthType (AWS_IAM or NONE), and optionally Cors and InvokeMode");
  const authField = field.child("AuthType");
  if (!authField.isSet) throw authField.missing("AWS_IAM or NONE (AuthType is required)");
  const authType = oneOf(authField, AUTH_TYPES, "the URL's auth type")!;
  const invokeMode = oneOf(field.child("InvokeMode"), INVOKE_MODES, "the invoke mode") ?? "BUFFERED";
  const cors = readCfnCors(field.child("Cors"));
  return { kind: "url", name, authType, invokeMode, ...(cors ? { cors } : {}) };
}

/** Cors of FunctionUrlConfig / AWS::Lambda::Url: AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials. */
function readCfnCors(field: YamlField): CorsConfig | undefined {
  if (!field.isSet) return undefined;
  if (!field.isMap()) throw field.wrongType("a map of CORS settings (AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials)");
  const list = (key: string, what: string) => field.child(key).stringList(`a list of ${what}`);
  const methods = list("AllowMethods", "methods (GET, PUT, HEAD, POST, PATCH, DELETE or *)");
  const bad = methods?.findIndex((m) => !CORS_METHODS.includes(m.toUpperCase())) ?? -1;
  if (methods && bad >= 0) {
    const at = Array.isArray(field.child("AllowMethods").value) ? field.child("AllowMethods").child(bad) : field.child("AllowMethods");
    throw at.wrongType(`one of ${CORS_METHODS.join(", ")} (a function URL's allowed methods)`);
  }
  const maxAgeField = field.child("MaxAge");
  const maxAge = maxAgeField.integer(`a whole number of seconds from 0 to ${MAX_AGE_LIMIT}`, 0);
  if (maxAge !== undefined && maxAge > MAX_AGE_LIMIT) throw maxAgeField.wrongType(`a whole number of seconds from 0 to ${MAX_AGE_LIMIT}`);
  const config = corsConfig({
    allowOrigins: list("AllowOrigins", "origins such as https://www.example.com, or *"),
    allowMethods: methods?.map((m) => m.toUpperCase()),
    allowHeaders: list("AllowHeaders", "header names"),
    exposeHeaders: list("ExposeHeaders", "header names"),
    maxAgeSec: maxAge,
    allowCredentials: field.child("AllowCredentials").boolean(),
  });
  const problem = corsConfigProblem(config);
  if (problem) throw field.child("AllowCredentials").fail(problem);
  return config;
}

function corsConfig(parts: { allowOrigins?: string[]; allowMethods?: string[]; allowHeaders?: string[]; exposeHeaders?: string[]; maxAgeSec?: number; allowCredentials?: boolean }): CorsConfig {
  return {
    allowOrigins: parts.allowOrigins ?? [],
    allowMethods: parts.allowMethods ?? [],
    allowHeaders: parts.allowHeaders ?? [],
    ...(parts.exposeHeaders ? { exposeHeaders: parts.exposeHeaders } : {}),
    ...(parts.maxAgeSec !== undefined ? { maxAgeSec: parts.maxAgeSec } : {}),
    ...(parts.allowCredentials !== undefined ? { allowCredentials: parts.allowCredentials } : {}),
  };
}

/**
 * What the framework puts in Cors for `cors: true`, each setting replaceable one by one: every
 * origin and method, and the headers AWS's SDKs send (the framework's docs, "Lambda Function URLs").
 */
const SERVERLESS_DEFAULT_CORS = {
  allowOrigins: ["*"],
  allowMethods: ["*"],
  allowHeaders: ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token"],
};

/**
 * serverless.yml `url`: `true`, or `{authorizer: aws_iam, cors: true | {allowedOrigins,
 * allowedHeaders, allowedMethods, allowCredentials, exposedResponseHeaders, maxAge}, invokeMode}`.
 * Undefined for `url: false` (no URL).
 */
export function readServerlessUrl(field: YamlField): FunctionUrlTrigger | undefined {
  const expected = "true, or a map with authorizer (aws_iam), cors and invokeMode";
  if (field.value === true) return { kind: "url", name: "url", authType: "NONE", invokeMode: "BUFFERED" };
  if (field.value === false || !field.isSet) return undefined;
  if (!field.isMap()) throw field.wrongType(expected);
  field.rejectUnknownKeys(["authorizer", "cors", "invokeMode"]);
  const authorizer = field.child("authorizer");
  const auth = authorizer.string("aws_iam");
  if (auth !== undefined && auth !== "aws_iam") throw authorizer.wrongType("aws_iam (or no authorizer: a public URL)");
  const invokeMode = oneOf(field.child("invokeMode"), INVOKE_MODES, "the invoke mode") ?? "BUFFERED";
  const cors = readServerlessCors(field.child("cors"));
  return { kind: "url", name: "url", authType: auth ? "AWS_IAM" : "NONE", invokeMode, ...(cors ? { cors } : {}) };
}

function readServerlessCors(field: YamlField): CorsConfig | undefined {
  if (field.value === true) return { ...SERVERLESS_DEFAULT_CORS };
  if (field.value === false || !field.isSet) return undefined;
  if (!field.isMap()) throw field.wrongType("true, or a map with allowedOrigins, allowedHeaders, allowedMethods, allowCredentials, exposedResponseHeaders, maxAge");
  field.rejectUnknownKeys(["allowedOrigins", "allowedHeaders", "allowedMethods", "allowCredentials", "exposedResponseHeaders", "maxAge"]);
  const list = (key: string, what: string) => field.child(key).stringList(`a list of ${what}`);
  const maxAgeField = field.child("maxAge");
  const maxAge = maxAgeField.integer(`a whole number of seconds from 0 to ${MAX_AGE_LIMIT}`, 0);
  if (maxAge !== undefined && maxAge > MAX_AGE_LIMIT) throw maxAgeField.wrongType(`a whole number of seconds from 0 to ${MAX_AGE_LIMIT}`);
  const config = corsConfig({
    allowOrigins: list("allowedOrigins", "origins") ?? SERVERLESS_DEFAULT_CORS.allowOrigins,
    allowMethods: (list("allowedMethods", "methods") ?? SERVERLESS_DEFAULT_CORS.allowMethods).map((m) => m.toUpperCase()),
    allowHeaders: list("allowedHeaders", "header names") ?? SERVERLESS_DEFAULT_CORS.allowHeaders,
    exposeHeaders: list("exposedResponseHeaders", "header names"),
    maxAgeSec: maxAge,
    allowCredentials: field.child("allowCredentials").boolean(),
  });
  const problem = corsConfigProblem(config);
  if (problem) throw field.child("allowCredentials").fail(problem);
  return config;
}
