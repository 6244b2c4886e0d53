import { ManifestWarning } from "./errors";
import { intrinsicName } from "./intrinsicTags";
import { compact, propertyWithGlobals, type ReadContext } from "./manifestFunction";
import { functionName } from "./samFunctionScope";
import { resolveKnownRefs, type TemplateScope } from "./samIntrinsics";
import type { AuthorizerSpec, IdentitySource, JwtAuthorizerSpec, LambdaAuthorizerSpec, RouteAuth } from "./spec";
import type { YamlField, YamlSource } from "./yamlSource";

/**
 * The access control of one SAM `Api` / `HttpApi` event: its API's `Auth` (Authorizers,
 * DefaultAuthorizer, ApiKeyRequired), overridden by the event's own `Auth`.
 * REST: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-apiauth.html
 *       https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-apifunctionauth.html
 * HTTP: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-httpapi-httpapiauth.html
 *       https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-httpapifunctionauth.html
 */

/** Local settings the gateway reads (see triggers/http/authorizers/localAuthSettings.ts). */
export const JWKS_VARIABLE = "FAASBOX_JWKS";
export const API_KEYS_VARIABLE = "FAASBOX_API_KEYS";

const FUNCTION_TYPES = ["AWS::Serverless::Function", "AWS::Lambda::Function"];

export function readRouteAuth(
  eventType: "Api" | "HttpApi",
  properties: YamlField,
  scope: TemplateScope,
  warn: ReadContext["warn"],
  env: ReadContext["env"],
): RouteAuth | undefined {
  const apiKind = eventType === "Api" ? "rest" : "http";
  const { api, apiProperties, apiAuth } = apiOf(eventType, properties, scope);
  const eventAuth = properties.child("Auth");
  const once = warnOnce(properties.source, warn);

  const namedField = eventAuth.child("Authorizer");
  const nameField = namedField.isSet ? namedField : apiAuth.child("DefaultAuthorizer");
  const name = nameField.string("the name of an authorizer in the API's Auth.Authorizers, or NONE");
  let authorizer: AuthorizerSpec | undefined;
  let definition: YamlField | undefined;
  if (name === "AWS_IAM") {
    once(nameField, "IAM authorization (SigV4) is not emulated: requests reach the function unsigned");
  } else if (name !== undefined && name !== "NONE") {
    definition = apiAuth.child("Authorizers").child(name);
    if (!definition.isSet) {
      const known = apiAuth.child("Authorizers").isMap() ? apiAuth.child("Authorizers").entries().map(([key]) => key) : [];
      throw nameField.fail(`${JSON.stringify(name)} is not an authorizer of ${api}; expected NONE or one of: ${known.join(", ") || "(Auth.Authorizers is empty)"}`);
    }
    authorizer = apiKind === "rest" ? readRestAuthorizer(name, definition, scope) : readHttpAuthorizer(name, definition, scope);
    if (authorizer.kind === "jwt") {
      if (authorizer.issuerPrefix) {
        once(definition.child("UserPoolArn"), `the user pool's id is not known locally, so tokens of any Cognito user pool in ${scope.pseudo["AWS::Region"]} are accepted (issuer ${authorizer.issuerPrefix}…); write the pool's ARN to check the issuer exactly`);
      }
      if (!env[JWKS_VARIABLE]) {
        once(definition, `token signatures are NOT verified locally (issuer, audience and expiry still are): set ${JWKS_VARIABLE} to a JWKS file or a loopback URL serving one to verify them`);
      }
    }
  }
  const scopes = eventAuth.child("AuthorizationScopes").stringList("a list of OAuth scopes") ?? definition?.child("AuthorizationScopes").stringList("a list of OAuth scopes");

  let apiKeyRequired: boolean | undefined;
  let apiKeySource: RouteAuth["apiKeySource"];
  if (apiKind === "rest") {
    apiKeyRequired = eventAuth.child("ApiKeyRequired").boolean() ?? apiAuth.child("ApiKeyRequired").boolean();
    if (apiAuth.child("UsagePlan").isSet) {
      once(apiAuth.child("UsagePlan"), "usage plans (quotas, throttling) are not emulated: a known API key is never throttled locally");
    }
    if (apiKeyRequired) {
      const source = apiProperties.child("ApiKeySourceType").string("HEADER or AUTHORIZER");
      if (source === "AUTHORIZER") apiKeySource = "AUTHORIZER";
      if (!env[API_KEYS_VARIABLE]) {
        once(eventAuth.child("ApiKeyRequired").isSet ? eventAuth.child("ApiKeyRequired") : apiAuth.child("ApiKeyRequired"), `no API keys are set locally, so API Gateway's 403 answers every request: set ${API_KEYS_VARIABLE} to the keys to accept (comma-separated)`);
      }
    }
  } else if (apiAuth.child("EnableIamAuthorizer").boolean()) {
    once(apiAuth.child("EnableIamAuthorizer"), "IAM authorization (SigV4) is not emulated");
  }
  if (!authorizer && !apiKeyRequired) return undefined;
  return compact<RouteAuth>({ apiKind, region: scope.pseudo["AWS::Region"], authorizer, scopes: scopes?.length ? scopes : undefined, apiKeyRequired, apiKeySource });
}

/**
 * The API an event belongs to (RestApiId / ApiId, else SAM's implicit ServerlessRestApi /
 * ServerlessHttpApi) and its Auth, Globals.Api / Globals.HttpApi filling in when it has none.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html
 */
function apiOf(eventType: "Api" | "HttpApi", properties: YamlField, scope: TemplateScope): { api: string; apiProperties: YamlField; apiAuth: YamlField } {
  const root = properties.source.root;
  const globals = root.child("Globals").child(eventType);
  const idField = properties.child(eventType === "Api" ? "RestApiId" : "ApiId");
  const id = logicalIdOf(idField.value);
  const resource = id === undefined ? undefined : root.child("Resources").child(id);
  if (idField.isSet && !resource?.isSet) {
    throw idField.fail(`names no resource of this template; expected !Ref to an AWS::Serverless::${eventType} resource`);
  }
  const own = resource ? resource.withValue(resolveKnownRefs(resource.value, scope)).child("Properties") : globals.withValue(undefined);
  const auth = propertyWithGlobals(own, globals, "Auth");
  return { api: id ?? (eventType === "Api" ? "ServerlessRestApi" : "ServerlessHttpApi"), apiProperties: own, apiAuth: auth.withValue(resolveKnownRefs(auth.value, scope)) };
}

function logicalIdOf(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  const kind = intrinsicName(value);
  const argument = kind ? (value as Record<string, unknown>)[kind] : undefined;
  if (kind === "Ref" && typeof argument === "string") return argument;
  if (kind === "Fn::GetAtt" && Array.isArray(argument) && typeof argument[0] === "string") return argument[0];
  return undefined;
}

/**
 * REST authorizers: a Cognito user pool (UserPoolArn) or a Lambda function (FunctionArn,
 * FunctionPayloadType TOKEN unless REQUEST).
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-cognitoauthorizer.html
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-lambdatokenauthorizer.html
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-lambdarequestauthorizer.html
 */
function readRestAuthorizer(name: string, definition: YamlField, scope: TemplateScope): AuthorizerSpec {
  const identity = definition.child("Identity");
  if (definition.child("UserPoolArn").isSet) {
    const pools = userPools(definition.child("UserPoolArn"), scope);
    // Identity.Header defaults to Authorization (CognitoAuthorizationIdentity, same page family).
    return compact<JwtAuthorizerSpec>({ kind: "jwt", name, cognito: true, ...pools, identitySource: { from: "header", name: identity.child("Header").string() ?? "Authorization" } });
  }
  const fn = lambdaFunction(definition.child("FunctionArn"), scope);
  const typeField = definition.child("FunctionPayloadType");
  const type = typeField.string("TOKEN or REQUEST") ?? "TOKEN";
  if (type !== "TOKEN" && type !== "REQUEST") throw typeField.wrongType("TOKEN or REQUEST");
  // ReauthorizeEvery: "By default, API Gateway sets this property to 300" (LambdaTokenAuthorizationIdentity /
  // LambdaRequestAuthorizationIdentity pages); the maximum is 3600.
  const ttlSec = identity.child("ReauthorizeEvery").integer("seconds from 0 to 3600", 0) ?? 300;
  if (type === "TOKEN") {
    return compact<LambdaAuthorizerSpec>({
      kind: "lambda", name, function: fn, type, ttlSec,
      identitySources: [{ from: "header", name: identity.child("Header").string() ?? "Authorization" }],
      validationExpression: identity.child("ValidationExpression").string("a regular expression"),
    });
  }
  return { kind: "lambda", name, function: fn, type, ttlSec, identitySources: requestIdentity(identity) };
}

/**
 * HTTP API authorizers: OAuth2Authorizer (JWT) or LambdaAuthorizer (always REQUEST).
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-httpapi-oauth2authorizer.html
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-httpapi-lambdaauthorizer.html
 */
function readHttpAuthorizer(name: string, definition: YamlField, scope: TemplateScope): AuthorizerSpec {
  const jwt = definition.child("JwtConfiguration");
  if (jwt.isSet) {
    const issuer = jwt.child("issuer").requireString("the token issuer URL");
    const audiences = jwt.child("audience").stringList("a list of audiences (client ids)");
    const sourceField = definition.child("IdentitySource");
    const identitySource = parseIdentityExpression(sourceField.string("an identity source such as $request.header.Authorization") ?? "$request.header.Authorization", sourceField);
    return compact<JwtAuthorizerSpec>({ kind: "jwt", name, cognito: false, issuers: [issuer], audiences, identitySource });
  }
  const fn = lambdaFunction(definition.child("FunctionArn"), scope);
  const versionField = definition.child("AuthorizerPayloadFormatVersion");
  const version = versionField.text('"1.0" or "2.0"');
  // "Required for HTTP API Lambda authorizers" (LambdaAuthorizer page above).
  if (version === undefined) throw versionField.missing('"1.0" or "2.0" (required for HTTP API Lambda authorizers)');
  if (Number(version) !== 1 && Number(version) !== 2) throw versionField.wrongType('"1.0" or "2.0"');
  const payloadVersion = Number(version) === 1 ? "1.0" : "2.0";
  const simple = definition.child("EnableSimpleResponses").boolean();
  if (simple && payloadVersion === "1.0") throw definition.child("EnableSimpleResponses").fail("simple responses need AuthorizerPayloadFormatVersion 2.0");
  const identity = definition.child("Identity");
  // The SAM page does not give a default for ReauthorizeEvery on HTTP APIs; SAM only writes
  // authorizerResultTtlInSeconds when it is set, and the CloudFormation page does not say a
  // default either: no caching unless the template asks for it.
  const ttlSec = identity.child("ReauthorizeEvery").integer("seconds from 0 to 3600", 0) ?? 0;
  return compact<LambdaAuthorizerSpec>({ kind: "lambda", name, function: fn, type: "REQUEST", payloadVersion, simpleResponses: simple || undefined, ttlSec, identitySources: requestIdentity(identity) });
}

function requestIdentity(identity: YamlField): IdentitySource[] {
  const list = (key: string, from: IdentitySource["from"]) =>
    (identity.child(key).stringList(`a list of ${key}`) ?? []).map((name): IdentitySource => ({ from, name }));
  return [...list("Headers", "header"), ...list("QueryStrings", "query"), ...list("StageVariables", "stageVariable"), ...list("Context", "context")];
}

/**
 * `$request.header.Authorization`, `$request.querystring.token`, `$context.x`, `$stageVariables.x`:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html#http-api-lambda-authorizer.identity-sources
 */
function parseIdentityExpression(expression: string, field: YamlField): IdentitySource {
  const match = /^\$(request\.header|request\.querystring|context|stageVariables)\.(.+)$/.exec(expression.trim());
  if (!match) throw field.wrongType("an identity source such as $request.header.Authorization or $request.querystring.token");
  const from = ({ "request.header": "header", "request.querystring": "query", context: "context", stageVariables: "stageVariable" } as const)[match[1] as "context"];
  return { from, name: match[2] };
}

/** `!GetAtt AuthFn.Arn`, `!Ref AuthFn` or `arn:aws:lambda:REGION:ACCOUNT:function:NAME`: a function of this project. */
function lambdaFunction(field: YamlField, scope: TemplateScope): string {
  const expected = "the authorizer function: !GetAtt Fn.Arn of a function in this template, or its ARN";
  if (!field.isSet) throw field.missing(expected);
  const value = field.value;
  if (typeof value === "string") {
    const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(:.+)?$/.exec(value);
    if (arn) return arn[1];
    throw field.wrongType(expected);
  }
  const id = logicalIdOf(value);
  const resource = id === undefined ? undefined : scope.resources[id];
  const type = resource && typeof resource === "object" ? (resource as { Type?: unknown }).Type : undefined;
  if (id === undefined || typeof type !== "string" || !FUNCTION_TYPES.includes(type)) {
    throw field.fail(`${JSON.stringify(value)} is not a function of this template, so it cannot run locally; expected ${expected}`);
  }
  return functionName(id, field.source.root.child("Resources").child(id).child("Properties"));
}

/**
 * Cognito issuers are `https://cognito-idp.REGION.amazonaws.com/POOL_ID`
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
 * A pool of the template (`!GetAtt Pool.Arn`) has no id locally: any pool of the region then.
 */
function userPools(field: YamlField, scope: TemplateScope): { issuers: string[]; issuerPrefix?: string } {
  const region = scope.pseudo["AWS::Region"];
  const prefix = `https://cognito-idp.${region}.amazonaws.com/`;
  const values = Array.isArray(field.value) ? field.items() : [field];
  const issuers: string[] = [];
  let anyPool = false;
  for (const item of values) {
    if (typeof item.value === "string") {
      const arn = /^arn:[^:]+:cognito-idp:([^:]+):[^:]*:userpool\/(.+)$/.exec(item.value);
      if (!arn) throw item.wrongType("a user pool ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID) or !GetAtt Pool.Arn");
      issuers.push(`https://cognito-idp.${arn[1]}.amazonaws.com/${arn[2]}`);
    } else {
      anyPool = true;
    }
  }
  return anyPool ? { issuers, issuerPrefix: prefix } : { issuers };
}

/** One warning per place and message, though every event of an API names the same authorizer. */
const warned = new WeakMap<YamlSource, Set<string>>();
function warnOnce(source: YamlSource, warn: ReadContext["warn"]): (field: YamlField, message: string) => void {
  return (field, message) => {
    const seen = warned.get(source) ?? new Set<string>();
    warned.set(source, seen);
    const key = `${field.line}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    warn(ManifestWarning.at(field.ref, message));
  };
}
