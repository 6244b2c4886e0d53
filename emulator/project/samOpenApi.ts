import { isAbsolute, join } from "node:path";
import { collectProblem, type ManifestError } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import type { SamApi } from "./samApis";
import { readBinaryMediaTypes } from "./samApis";
import { resolveKnownRefs, type TemplateScope } from "./samIntrinsics";
import type { HttpRoute } from "./spec";
import { isPlainMap, YamlSource, type YamlField } from "./yamlSource";

/**
 * The routes an API's OpenAPI definition (DefinitionBody, or the local file DefinitionUri names)
 * declares, with what each integrates. Plain YAML/JSON reading through the yaml package that reads
 * the template: integrations are read where they are written (no `$ref` to follow), and this keeps
 * FILE:LINE for every warning. A definition is not validated as OpenAPI: API Gateway's import does that.
 */

/** One operation of the definition: a function it invokes (by logical id or name), or why none runs. */
export interface ApiOperation {
  route: HttpRoute;
  target: { function: string } | { unsupported: string };
  /** The integration (or the operation, when it has none), for warnings. */
  field: YamlField;
}

const OPERATION_KEYS: Record<string, string> = {
  get: "GET", put: "PUT", post: "POST", delete: "DELETE", options: "OPTIONS", head: "HEAD", patch: "PATCH",
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html
  "x-amazon-apigateway-any-method": "ANY",
};

/** `.../functions/FUNCTION_ARN/invocations`: API Gateway's URI of a Lambda function (or its alias). */
const INVOCATIONS = /:lambda:path\/\d{4}-\d{2}-\d{2}\/functions\/(.+)\/invocations$/;

/**
 * The definition of `api` as a field, read from DefinitionBody (inline, or `Fn::Transform`
 * AWS::Include of a local file) or DefinitionUri (a local file; an S3 location cannot be read).
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html#sam-api-definitionuri
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/create-reusable-transform-function-snippets-and-add-to-your-template-with-aws-include-transform.html
 */
export function loadDefinition(api: SamApi, templateDir: string, warn: (field: YamlField, message: string) => void): YamlField | undefined {
  const body = api.property("DefinitionBody");
  if (body.isSet) {
    const include = isPlainMap(body.value) ? body.value["Fn::Transform"] : undefined;
    if (isPlainMap(include) && include.Name === "AWS::Include") {
      const location = body.child("Fn::Transform").child("Parameters").child("Location");
      return readLocalFile(location, templateDir, warn, "AWS::Include Location");
    }
    if (!body.isMap()) throw body.wrongType("an OpenAPI definition (a map with paths)");
    return body;
  }
  const uri = api.property("DefinitionUri");
  if (!uri.isSet) return undefined;
  // Intrinsics in a DefinitionUri file are not processed by CloudFormation (AWS::Include is for that).
  return readLocalFile(uri, templateDir, warn, "DefinitionUri");
}

function readLocalFile(field: YamlField, templateDir: string, warn: (field: YamlField, message: string) => void, what: string): YamlField {
  const location = field.value;
  if (typeof location !== "string" || location === "") {
    throw field.wrongType(`${what}: a local OpenAPI file (an S3 location {Bucket, Key} cannot be read locally: name the file sam package would upload)`);
  }
  if (/^s3:\/\//i.test(location) || /^https?:\/\//i.test(location)) {
    throw field.fail(`${what} ${location} is a remote location, which Faasbox cannot read; expected the local OpenAPI file (as written before sam package uploads it)`);
  }
  const file = isAbsolute(location) ? location : join(templateDir, location);
  const source = YamlSource.read(file);
  for (const warning of source.warnings) warn(field, warning.message);
  return source.root;
}

/**
 * Every operation of the definition. REST APIs invoke functions with payload 1.0; an HTTP
 * API's integration says its payloadFormatVersion. Root `x-amazon-apigateway-binary-media-types`
 * adds to a REST API's binary media types.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-binary-media-types.html
 */
export function readOperations(api: SamApi & { kind: "rest" | "http" }, definition: YamlField, scope: TemplateScope, problems: ManifestError[]): ApiOperation[] {
  // A DefinitionUri file is its own document: its `!Ref`s mean nothing to CloudFormation, but resolving known ones is harmless.
  const resolved = definition.withValue(resolveKnownRefs(definition.value, scope));
  const binary = readBinaryMediaTypes(resolved.child("x-amazon-apigateway-binary-media-types"));
  if (binary && api.kind === "rest") api.context.binaryMediaTypes = [...new Set([...(api.context.binaryMediaTypes ?? []), ...binary])];
  const operations: ApiOperation[] = [];
  const paths = resolved.child("paths");
  if (!paths.isSet) throw resolved.child("paths").missing("the OpenAPI paths of the API");
  for (const [path, item] of paths.entries("a map of paths to operations")) {
    for (const [key, operation] of item.entries("a map of methods to operations")) {
      const method = OPERATION_KEYS[key.toLowerCase()];
      if (!method) continue; // parameters, summary, servers...
      const read = collectProblem(problems, () => readOperation(api, path, method, operation, scope), () => operation.ref);
      if (read) operations.push(read);
    }
  }
  return operations;
}

function readOperation(api: SamApi & { kind: "rest" | "http" }, path: string, method: string, operation: YamlField, scope: TemplateScope): ApiOperation {
  // An HTTP API's `$default` path is its catch-all route: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
  const catchAll = api.kind === "http" && path === "$default";
  const integration = operation.child("x-amazon-apigateway-integration");
  const operationId = operation.child("operationId").value;
  const route: HttpRoute = {
    kind: "http",
    method: catchAll ? "ANY" : method,
    path: catchAll ? "/{proxy+}" : path.startsWith("/") ? path : `/${path}`,
    payload: api.kind === "rest" ? "aws-v1" : payloadVersion(integration.child("payloadFormatVersion")),
    ...(typeof operationId === "string" ? { name: operationId } : {}),
    ...(catchAll ? { catchAll: true } : {}),
    api: api.context,
  };
  if (!integration.isSet) {
    return { route, field: operation, target: { unsupported: "it has no x-amazon-apigateway-integration, so API Gateway has nothing to send the request to" } };
  }
  return { route, field: integration, target: integrationTarget(api.kind, integration, scope) };
}

/**
 * "Required for HTTP APIs" (the extension's page above) and nothing said of a missing one: Faasbox
 * reads a missing one as 2.0, the version SAM gives HttpApi events by default.
 */
function payloadVersion(field: YamlField): "aws-v1" | "aws-v2" {
  const version = field.text('"1.0" or "2.0"');
  if (version === undefined || Number(version) === 2) return "aws-v2";
  if (Number(version) === 1) return "aws-v1";
  throw field.wrongType('"1.0" or "2.0"');
}

/** What an integration invokes: Faasbox runs Lambda proxy integrations (aws_proxy) of functions it knows. */
function integrationTarget(kind: "rest" | "http", integration: YamlField, scope: TemplateScope): ApiOperation["target"] {
  const type = integration.child("type").string("aws_proxy, aws, http, http_proxy or mock")?.toLowerCase();
  const uri = integration.child("uri").value;
  const uriText = typeof uri === "string" ? uri : JSON.stringify(uri);
  switch (type) {
    case "mock":
      return { unsupported: "a mock integration (API Gateway answers from its mapping templates without a backend), which Faasbox does not emulate" };
    case "http":
    case "http_proxy":
      return { unsupported: `an ${type} integration forwarding to ${uriText}: Faasbox does not forward requests to other servers` };
    case "aws_proxy":
    case "aws": {
      const fn = lambdaFunction(uri, scope);
      if (fn === undefined) return { unsupported: `an ${type} integration with ${uriText}, which is not a Lambda function of this template: Faasbox runs only the template's functions` };
      if (type === "aws") return { unsupported: `a Lambda custom (non-proxy) integration of ${fn}, with mapping templates Faasbox does not apply; use type aws_proxy` };
      return { function: fn };
    }
    default:
      if (kind === "http" && integration.child("connectionType").value === "VPC_LINK") return { unsupported: "a private integration through a VPC link, which Faasbox cannot reach" };
      throw integration.child("type").wrongType("aws_proxy, aws, http, http_proxy or mock");
  }
}

/**
 * The function an integration URI names: its logical id for `!GetAtt Fn.Arn`, `${Fn.Arn}` in
 * `!Sub` (or a Sub variable that is one), its name for an ARN string
 * (`arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/arn:aws:lambda:REGION:ACCOUNT:function:NAME/invocations`,
 * or an HTTP API's plain function ARN). An alias or version qualifier (`:live`) is dropped: there
 * is one version locally. Undefined when the URI names no function.
 */
export function lambdaFunction(uri: unknown, scope: TemplateScope): string | undefined {
  if (typeof uri === "string") {
    const arn = INVOCATIONS.exec(uri)?.[1] ?? uri;
    const name = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:/]+)/.exec(arn)?.[1];
    return name;
  }
  const kind = intrinsicName(uri);
  const argument = kind ? (uri as Record<string, unknown>)[kind] : undefined;
  if (kind === "Fn::GetAtt" && Array.isArray(argument) && typeof argument[0] === "string") return isFunction(argument[0], scope) ? argument[0] : undefined;
  if (kind === "Fn::Sub") {
    const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof template !== "string") return undefined;
    const own = isPlainMap(variables) ? variables : {};
    for (const [, name] of template.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      if (Object.hasOwn(own, name)) {
        const fromVariable = lambdaFunction(own[name], scope) ?? refFunction(own[name], scope);
        if (fromVariable) return fromVariable;
        continue;
      }
      const id = name.endsWith(".Arn") ? name.slice(0, -4) : name;
      if (isFunction(id, scope)) return id;
    }
    // A literal ARN inside the Sub: `...:function:my-fn/invocations`.
    return lambdaFunction(template, scope);
  }
  return undefined;
}

function refFunction(value: unknown, scope: TemplateScope): string | undefined {
  if (intrinsicName(value) !== "Ref") return undefined;
  const id = (value as { Ref: unknown }).Ref;
  return typeof id === "string" && isFunction(id, scope) ? id : undefined;
}

function isFunction(logicalId: string, scope: TemplateScope): boolean {
  const resource = scope.resources[logicalId];
  return isPlainMap(resource) && (resource.Type === "AWS::Serverless::Function" || resource.Type === "AWS::Lambda::Function");
}
