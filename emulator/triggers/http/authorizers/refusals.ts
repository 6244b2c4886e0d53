import type { GatewayResponse } from "../responseMapping";

/**
 * What API Gateway answers when access is refused, per API kind, before the function runs.
 * Status codes: the gateway response types UNAUTHORIZED 401, ACCESS_DENIED 403,
 * INVALID_API_KEY 403, AUTHORIZER_FAILURE / AUTHORIZER_CONFIGURATION_ERROR 500
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
 * Bodies: REST's deny messages are the ones AWS's knowledge center quotes
 * (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer), 401 "Unauthorized"
 * (https://repost.aws/knowledge-center/api-gateway-401-error-lambda-authorizer). The docs do not
 * give the 500 bodies: REST's authorizer failure is {"message": null} as AWS sends it (its
 * $context.error.message is empty for that type), HTTP APIs' the same body as a function error.
 * Faasbox's reason goes to the `x-faasbox-error` header, never into the body.
 */
export type RefusalKind = "unauthorized" | "explicit-deny" | "implicit-deny" | "forbidden" | "authorizer-failure";

const REST: Record<RefusalKind, [number, unknown]> = {
  unauthorized: [401, { message: "Unauthorized" }],
  "explicit-deny": [403, { message: "User is not authorized to access this resource with an explicit deny" }],
  "implicit-deny": [403, { message: "User is not authorized to access this resource" }],
  forbidden: [403, { message: "Forbidden" }],
  "authorizer-failure": [500, { message: null }],
};

/** HTTP APIs answer 401/403 with short bodies (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html). */
const HTTP: Record<RefusalKind, [number, unknown]> = {
  unauthorized: [401, { message: "Unauthorized" }],
  "explicit-deny": [403, { message: "Forbidden" }],
  "implicit-deny": [403, { message: "Forbidden" }],
  forbidden: [403, { message: "Forbidden" }],
  "authorizer-failure": [500, { message: "Internal Server Error" }],
};

export interface Refusal {
  kind: RefusalKind;
  /** Why, for the log and the x-faasbox-error header. */
  reason: string;
}

export function refusalResponse(apiKind: "rest" | "http", refusal: Refusal): GatewayResponse {
  const [status, body] = (apiKind === "rest" ? REST : HTTP)[refusal.kind];
  return {
    status,
    headers: { "content-type": "application/json", "x-faasbox-error": refusal.reason.replace(/[^\x20-\x7e]/g, "?").slice(0, 500) },
    body: Buffer.from(JSON.stringify(body)),
  };
}
