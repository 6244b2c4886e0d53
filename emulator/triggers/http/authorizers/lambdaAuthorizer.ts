import type { HttpRoute, InvokeResult, LambdaAuthorizerSpec } from "../../../protocol";
import { awsV1Event, awsV2Event, type GatewayRequest } from "../../events/httpEvents";
import type { Refusal } from "./refusals";

/** What a Lambda authorizer answered, as kept in the cache and judged per request. */
export type LambdaAnswer =
  | { kind: "policy"; principalId?: string; policyDocument: unknown; context: Record<string, unknown>; usageIdentifierKey?: string }
  | { kind: "simple"; isAuthorized: boolean; context: Record<string, unknown> };

/**
 * The authorizer function's event.
 * REST TOKEN / REQUEST: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
 * HTTP API 1.0 / 2.0: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html#http-api-lambda-authorizer.payload-format
 * The request parts are the route's own event without the body (authorizers never get one).
 */
export function authorizerEvent(spec: LambdaAuthorizerSpec, route: HttpRoute, request: GatewayRequest, arn: string, identity: string[]): unknown {
  if (spec.type === "TOKEN") return { type: "TOKEN", authorizationToken: identity[0], methodArn: arn };
  if (spec.payloadVersion === "2.0") {
    const rest = withoutBody(awsV2Event({ ...route, payload: "aws-v2" }, request));
    return { version: "2.0", type: "REQUEST", routeArn: arn, identitySource: identity, ...rest };
  }
  const rest = withoutBody(awsV1Event({ ...route, payload: "aws-v1" }, request));
  if (spec.payloadVersion === "1.0") {
    // HTTP APIs' 1.0 format adds version and the identity joined with commas, as authorizationToken too.
    const joined = identity.join(",");
    return { version: "1.0", type: "REQUEST", methodArn: arn, identitySource: joined, authorizationToken: joined, ...rest };
  }
  return { type: "REQUEST", methodArn: arn, ...rest };
}

/**
 * The function's result as an answer, or the refusal it amounts to. A function failing with
 * the message "Unauthorized" is API Gateway's 401 (the documented way to refuse a token:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html);
 * any other failure or shape is the authorizer's failure, a 500.
 */
export function readAnswer(spec: LambdaAuthorizerSpec, apiKind: "rest" | "http", result: InvokeResult): LambdaAnswer | Refusal {
  const fail = (why: string): Refusal => ({ kind: "authorizer-failure", reason: `authorizer ${spec.name} (function ${spec.function}): ${why}` });
  if (!result.ok) {
    if (result.error?.errorMessage === "Unauthorized") return { kind: "unauthorized", reason: `authorizer ${spec.name} answered Unauthorized` };
    return fail(`the function failed: ${result.error?.errorType}: ${result.error?.errorMessage}`);
  }
  const value = result.result;
  if (!isObject(value)) return fail(`expected an object, got ${JSON.stringify(value)?.slice(0, 100)}`);
  const context = value.context ?? {};
  if (!isObject(context)) return fail("context must be an object");
  // Simple responses: {isAuthorized, context} (HTTP APIs, 2.0, EnableSimpleResponses).
  if (spec.simpleResponses) {
    if (typeof value.isAuthorized !== "boolean") return fail(`simple responses need isAuthorized: true or false, got ${JSON.stringify(value.isAuthorized)}`);
    return { kind: "simple", isAuthorized: value.isAuthorized, context };
  }
  // IAM policy output: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
  // ("must include the principal identifier (principalId) and a policy document").
  if (!isObject(value.policyDocument)) return fail("the answer has no policyDocument");
  if (apiKind === "rest" && typeof value.principalId !== "string") return fail("the answer has no principalId string");
  let flat: Record<string, unknown> = context;
  if (apiKind === "rest") {
    // REST: "you cannot set a JSON object or array as a valid value of any key in the context map"
    // (same page); values reach the integration as strings, as the page's example shows them.
    flat = {};
    for (const [key, item] of Object.entries(context)) {
      if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") return fail(`context.${key} must be a string, number or boolean`);
      flat[key] = String(item);
    }
  }
  return {
    kind: "policy",
    principalId: typeof value.principalId === "string" ? value.principalId : undefined,
    policyDocument: value.policyDocument,
    context: flat,
    usageIdentifierKey: typeof value.usageIdentifierKey === "string" ? value.usageIdentifierKey : undefined,
  };
}

function withoutBody(event: unknown): Record<string, unknown> {
  const copy = { ...(event as Record<string, unknown>) };
  delete copy.body;
  delete copy.isBase64Encoded;
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
