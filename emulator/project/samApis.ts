import type { ApiContext } from "../protocol";
import { collectProblem, type ManifestError } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import { propertyWithGlobals } from "./manifestFunction";
import { readHttpCors, readRestCors } from "./samApiCors";
import type { YamlField } from "./yamlSource";

export const REST_API_TYPE = "AWS::Serverless::Api";
export const HTTP_API_TYPE = "AWS::Serverless::HttpApi";

/**
 * SAM's implicit APIs, made from the Api / HttpApi events that name no API. The REST one is
 * ServerlessRestApi with its stage Prod (the generated stage is ServerlessRestApiProdStage);
 * the HTTP one is ServerlessHttpApi on the `$default` stage, which has no path prefix.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources-function.html
 * https://github.com/aws/serverless-application-model/blob/develop/docs/internals/generated_resources.rst ("Implicit HTTP API": "$default")
 */
export const IMPLICIT_REST_API = "ServerlessRestApi";
export const IMPLICIT_HTTP_API = "ServerlessHttpApi";
const IMPLICIT_REST_STAGE = "Prod";
/** An HTTP API without StageName: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html */
const DEFAULT_HTTP_STAGE = "$default";

/** One API of the template, with where its definition (an OpenAPI body or file) is written. */
export interface SamApi {
  logicalId: string;
  context: ApiContext;
  /** DefinitionBody / DefinitionUri, Globals filling in. */
  property(key: string): YamlField;
}

/** What the API properties mean locally, for those read nowhere else; the rest are told as not read. */
const MEANINGS: Record<string, string> = {
  Domain: "no custom domain locally: the API is served at the local gateway's address, under its stage",
  AccessLogSetting: "no access logs go to CloudWatch; Faasbox logs each invocation itself",
  AccessLogSettings: "no access logs go to CloudWatch; Faasbox logs each invocation itself",
  MethodSettings: "per-method throttling, caching, logging and metrics are not applied locally",
  DefaultRouteSettings: "route throttling and logging are not applied locally",
  RouteSettings: "route throttling and logging are not applied locally",
  CacheClusterEnabled: "no API cache locally: every request reaches the function",
  CacheClusterSize: "no API cache locally: every request reaches the function",
  TracingEnabled: "no X-Ray traces are recorded locally",
  CanarySetting: "no canary stage locally: every request goes to the current code",
  GatewayResponses: "customised gateway responses are not applied locally: Faasbox's gateway answers its own errors",
  Models: "request models are not validated locally",
  MinimumCompressionSize: "responses are not compressed locally",
  EndpointConfiguration: "served on the local gateway's address, not as an edge, regional or private endpoint",
  DisableExecuteApiEndpoint: "the local gateway serves the API whatever this says",
  ApiKeySourceType: "API keys are not checked by this part of Faasbox",
  FailOnWarnings: "nothing is deployed locally, so there are no deployment warnings to fail on",
};

/** Read here or by another part (Auth: authorizers), or metadata with no effect on requests. */
const READ_OR_QUIET = new Set([
  "StageName", "Variables", "StageVariables", "Cors", "CorsConfiguration", "BinaryMediaTypes", "DefinitionBody", "DefinitionUri",
  "Auth", "Name", "Description", "Tags", "PropagateTags", "OpenApiVersion", "AlwaysDeploy", "MergeDefinitions", "Mode",
]);

/**
 * The template's API resources and its implicit APIs, each as the ApiContext its routes
 * carry. Globals.Api / Globals.HttpApi fill in what an API leaves out, implicit APIs included:
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html
 */
export class SamApis {
  private readonly apis = new Map<string, SamApi & { kind: "rest" | "http" }>();
  /** Logical ids of API resources that failed to read (their problem is recorded): their events are left out quietly. */
  private readonly broken = new Set<string>();

  constructor(resources: YamlField, private readonly globals: YamlField, private readonly warn: (field: YamlField, message: string) => void, problems: ManifestError[]) {
    for (const [logicalId, resource] of resources.entries("a map of resources")) {
      const type = resource.child("Type").value;
      if (type !== REST_API_TYPE && type !== HTTP_API_TYPE) continue;
      const kind = type === REST_API_TYPE ? "rest" : "http";
      const read = collectProblem(problems, () => this.read(logicalId, kind, resource.child("Properties")), () => resource.ref);
      if (read) this.apis.set(logicalId, read);
      else this.broken.add(logicalId);
    }
    for (const [key, globalsKey] of [["rest", "Api"], ["http", "HttpApi"]] as const) {
      const implicitId = key === "rest" ? IMPLICIT_REST_API : IMPLICIT_HTTP_API;
      const implicit = collectProblem(problems, () => this.read(implicitId, key, undefined), () => this.globals.child(globalsKey).ref);
      if (implicit) this.apis.set(implicitId, implicit);
      else this.broken.add(implicitId);
      for (const [name, field] of this.globals.child(globalsKey).entries()) this.warnIgnored(name, field);
    }
  }

  /** Every API with a definition body or file, for the routes only it declares. */
  withDefinitions(): Array<SamApi & { kind: "rest" | "http" }> {
    return [...this.apis.values()].filter((api) => api.property("DefinitionBody").isSet || api.property("DefinitionUri").isSet);
  }

  /**
   * The API an Api (RestApiId) or HttpApi (ApiId) event belongs to: `!Ref MyApi` or the logical
   * id; none is SAM's implicit API. Undefined when that API failed to read (already reported).
   * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-api.html
   * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-httpapi.html
   */
  forEvent(kind: "rest" | "http", field: YamlField): ApiContext | undefined {
    const expected = kind === "rest" ? `!Ref to an ${REST_API_TYPE} of this template` : `!Ref to an ${HTTP_API_TYPE} of this template`;
    let id: string | undefined;
    if (!field.isSet) id = kind === "rest" ? IMPLICIT_REST_API : IMPLICIT_HTTP_API;
    else if (typeof field.value === "string") id = field.value;
    else if (intrinsicName(field.value) === "Ref") id = String((field.value as { Ref: unknown }).Ref);
    else throw field.wrongType(expected);
    if (this.broken.has(id)) return undefined;
    const api = this.apis.get(id);
    if (!api || api.kind !== kind) throw field.fail(`names ${JSON.stringify(id)}, which is not an ${kind === "rest" ? REST_API_TYPE : HTTP_API_TYPE} of this template; expected ${expected}`);
    return api.context;
  }

  private read(logicalId: string, kind: "rest" | "http", properties: YamlField | undefined): SamApi & { kind: "rest" | "http" } {
    const globals = this.globals.child(kind === "rest" ? "Api" : "HttpApi");
    if (properties?.isSet && !properties.isMap()) throw properties.wrongType("a map of API properties");
    // An implicit API has only what Globals gives it.
    const property = (key: string) => (properties ? propertyWithGlobals(properties, globals, key) : globals.child(key));
    const context: ApiContext = { id: logicalId, kind, stage: readStage(kind, properties, property("StageName")) };
    const variables = property(kind === "rest" ? "Variables" : "StageVariables");
    if (variables.isSet) context.stageVariables = readVariables(variables);
    const cors = kind === "rest" ? readRestCors(property("Cors")) : readHttpCors(property("CorsConfiguration"));
    if (cors) context.cors = cors;
    if (kind === "rest") {
      const binary = readBinaryMediaTypes(property("BinaryMediaTypes"));
      if (binary) context.binaryMediaTypes = binary;
    }
    for (const [name, field] of properties?.entries() ?? []) this.warnIgnored(name, field);
    return { logicalId, kind, context, property };
  }

  private warnIgnored(name: string, field: YamlField): void {
    if (READ_OR_QUIET.has(name)) return;
    this.warn(field, MEANINGS[name] ?? "not read by Faasbox: it has no effect locally");
  }
}

/**
 * REST: StageName is required (it is the first path segment of the API's URL); SAM's implicit
 * API always uses Prod. HTTP API: `$default` unless set.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html#sam-api-stagename
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-httpapi.html#sam-httpapi-stagename
 */
function readStage(kind: "rest" | "http", properties: YamlField | undefined, field: YamlField): string {
  if (kind === "rest" && !properties) return IMPLICIT_REST_STAGE;
  const stage = field.text("a stage name");
  if (stage === undefined) {
    if (kind === "rest") throw field.missing("a stage name (StageName is required for an AWS::Serverless::Api; it is the first segment of the API's URL path)");
    return DEFAULT_HTTP_STAGE;
  }
  // Stage names: alphanumerics, hyphens and underscores (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html).
  if (stage !== DEFAULT_HTTP_STAGE && !/^[A-Za-z0-9_-]+$/.test(stage)) throw field.wrongType("a stage name of letters, digits, hyphens and underscores");
  return stage;
}

/**
 * Stage variables: names of letters, digits and underscores; values as text.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/stage-variables.html
 */
function readVariables(field: YamlField): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, value] of field.entries("a map of stage variable names to values")) {
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw value.fail("a stage variable name may only have letters, digits and underscores");
    const text = value.text("a string value");
    if (text === undefined) throw value.missing("a string value");
    variables[name] = text;
  }
  return variables;
}

/**
 * SAM writes a `/` in a media type as `~1` (JSON pointer escaping, since API Gateway stores
 * these in a path): `image~1png` is image/png.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html#sam-api-binarymediatypes
 */
export function readBinaryMediaTypes(field: YamlField): string[] | undefined {
  const types = field.stringList("a list of media types such as image~1png");
  return types?.map((type) => type.replaceAll("~1", "/"));
}
