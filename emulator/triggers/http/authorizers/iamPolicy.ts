/**
 * The ARN API Gateway authorizes (methodArn for REST, routeArn for HTTP APIs):
 * arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/VERB/RESOURCE-PATH
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
 * The path is the request's, without its leading slash.
 */
export function executeApiArn(parts: { region: string; account: string; apiId: string; stage: string; method: string; path: string }): string {
  return `arn:aws:execute-api:${parts.region}:${parts.account}:${parts.apiId}/${parts.stage}/${parts.method}/${parts.path.replace(/^\//, "")}`;
}

export type PolicyDecision = "allow" | "explicit-deny" | "implicit-deny";

/**
 * An authorizer's IAM policy against the ARN, as IAM evaluates it: an explicit Deny wins, then
 * an Allow, else the implicit deny. `*` matches any run of characters and `?` one, in both
 * Action and Resource (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Conditions and NotAction/NotResource are not evaluated: a statement with them does not match.
 * Undefined when the document is not a policy at all.
 */
export function evaluatePolicy(document: unknown, arn: string): PolicyDecision | undefined {
  if (!isObject(document)) return undefined;
  const statements = Array.isArray(document.Statement) ? document.Statement : isObject(document.Statement) ? [document.Statement] : undefined;
  if (!statements) return undefined;
  let allowed = false;
  for (const statement of statements) {
    if (!isObject(statement)) return undefined;
    if (statement.Condition !== undefined) continue;
    const actions = list(statement.Action);
    const resources = list(statement.Resource);
    if (!actions.some((action) => wildcard(action.toLowerCase(), "execute-api:invoke")) || !resources.some((resource) => wildcard(resource, arn))) continue;
    if (statement.Effect === "Deny") return "explicit-deny";
    if (statement.Effect === "Allow") allowed = true;
  }
  return allowed ? "allow" : "implicit-deny";
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === "string");
}

function wildcard(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(text);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
