import type { JWTVerifyGetKey } from "jose";
import type { HttpRoute, LambdaAuthorizerSpec, RouteAuth } from "../../../protocol";
import { toInvokeResult, type InvocationReport } from "../../../core/invoke/invocationReport";
import { LOCAL_ACCOUNT_ID } from "../../../project/samScope";
import type { GatewayRequest } from "../../events/httpEvents";
import type { GatewayResponse } from "../responseMapping";
import { evaluatePolicy, executeApiArn } from "./iamPolicy";
import { identityValues } from "./identitySources";
import { checkJwt } from "./jwtCheck";
import { authorizerEvent, readAnswer, type LambdaAnswer } from "./lambdaAuthorizer";
import { JwksKeys, type LocalAuthSettings } from "./localAuthSettings";
import { refusalResponse, type Refusal } from "./refusals";

/** The narrow part of the gateway's target an authorizer needs: running the project's functions. */
export interface AuthorizerTarget {
  invoke(name: string, event: Buffer): Promise<InvocationReport>;
}

type RequestContext = Record<string, unknown> & { stage?: string; apiId?: string };

/**
 * Runs a route's authorizer and API key check before its function, as API Gateway does:
 * the authorizer first, then the API key (a key may come from the authorizer's answer,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
 * Lambda authorizers' answers are cached by identity for their TTL and judged again for each
 * request's ARN, as the cloud re-evaluates a cached policy
 * (https://repost.aws/knowledge-center/api-gateway-lambda-authorization-errors).
 */
export class RouteAuthorizer {
  private readonly cache = new Map<string, { answer: LambdaAnswer; expires: number }>();
  private readonly jwks?: JwksKeys;

  constructor(
    private readonly target: AuthorizerTarget,
    private readonly settings: LocalAuthSettings,
    private readonly now: () => number = Date.now,
  ) {
    if (settings.jwks) this.jwks = new JwksKeys(settings.jwks);
  }

  /**
   * Undefined when the request may go on, its authorizer's output now in `event`'s
   * requestContext where API Gateway puts it; else the refusal to send.
   */
  async check(route: HttpRoute, request: GatewayRequest, event: unknown): Promise<GatewayResponse | undefined> {
    const auth = route.auth;
    if (!auth) return undefined;
    const record = event as { requestContext?: RequestContext; stageVariables?: Record<string, string> | null };
    record.requestContext ??= {};
    const refused = await this.decide(auth, route, request, record.requestContext, record.stageVariables ?? {});
    return refused ? refusalResponse(auth.apiKind, refused) : undefined;
  }

  private async decide(auth: RouteAuth, route: HttpRoute, request: GatewayRequest, context: RequestContext, stageVariables: Record<string, string>): Promise<Refusal | undefined> {
    const authorizer = auth.authorizer;
    let usageKey: string | undefined;
    if (authorizer?.kind === "jwt") {
      const header = identityValues([authorizer.identitySource], request, {}, {});
      if (!header) return { kind: "unauthorized", reason: `authorizer ${authorizer.name}: no token in ${authorizer.identitySource.name}` };
      let keys: JWTVerifyGetKey | undefined;
      if (this.jwks) {
        const lookup = this.jwks.lookup();
        if (typeof lookup === "string") return { kind: "authorizer-failure", reason: lookup };
        keys = lookup;
      }
      const grant = await checkJwt(authorizer, header[0], keys, auth.scopes, this.now() / 1000);
      if ("kind" in grant) return grant;
      // REST Cognito: requestContext.authorizer.claims; HTTP APIs: requestContext.authorizer.jwt
      // (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html;
      // the 1.0 format's {claims, scopes}: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
      context.authorizer = auth.apiKind === "rest" || route.payload === "aws-v1" ? { claims: grant.claims, scopes: grant.scopes } : { jwt: grant };
    } else if (authorizer?.kind === "lambda") {
      const arn = executeApiArn({
        region: auth.region, account: LOCAL_ACCOUNT_ID, apiId: String(context.apiId ?? "faasbox"), stage: String(context.stage ?? "$default"),
        method: request.method, path: route.catchAll && auth.apiKind === "http" ? "$default" : request.path,
      });
      const outcome = await this.runLambda(authorizer, auth.apiKind, route, request, arn, context, stageVariables);
      if (outcome.kind !== "ran") return outcome;
      const { answer, latencyMs } = outcome;
      if (answer.kind === "simple") {
        if (!answer.isAuthorized) return { kind: "forbidden", reason: `authorizer ${authorizer.name} answered isAuthorized: false` };
      } else {
        const decision = evaluatePolicy(answer.policyDocument, arn);
        if (!decision) return { kind: "authorizer-failure", reason: `authorizer ${authorizer.name}: policyDocument is not an IAM policy ({Version, Statement: [...]})` };
        if (decision !== "allow") return { kind: decision, reason: `authorizer ${authorizer.name}'s policy ${decision === "explicit-deny" ? "denies" : "does not allow"} ${arn}` };
        usageKey = answer.usageIdentifierKey;
      }
      context.authorizer =
        auth.apiKind === "rest"
          ? // REST: principalId and the context's keys side by side, with the authorizer's latency
            // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
            { ...answer.context, principalId: answer.kind === "policy" ? answer.principalId : undefined, integrationLatency: latencyMs }
          : // HTTP APIs: requestContext.authorizer.lambda (http-api-lambda-authorizer.html). For the
            // 1.0 event format the docs are silent; the same place is used.
            { lambda: answer.context };
    }
    if (auth.apiKeyRequired) {
      // REST API keys: x-api-key, or the authorizer's usageIdentifierKey with ApiKeySourceType
      // AUTHORIZER; a missing or unknown key is INVALID_API_KEY, 403 {"message":"Forbidden"}.
      const key = auth.apiKeySource === "AUTHORIZER" ? usageKey : request.headers["x-api-key"]?.[0];
      if (!key) return { kind: "forbidden", reason: auth.apiKeySource === "AUTHORIZER" ? "the authorizer returned no usageIdentifierKey" : "no x-api-key header" };
      if (!this.settings.apiKeys.includes(key)) return { kind: "forbidden", reason: "the API key is not one of FAASBOX_API_KEYS" };
    }
    return undefined;
  }

  private async runLambda(
    spec: LambdaAuthorizerSpec, apiKind: "rest" | "http", route: HttpRoute, request: GatewayRequest, arn: string, context: RequestContext, stageVariables: Record<string, string>,
  ): Promise<Refusal | { kind: "ran"; answer: LambdaAnswer; latencyMs: number }> {
    const identity = identityValues(spec.identitySources, request, stageVariables, flatContext(context));
    if (!identity) return { kind: "unauthorized", reason: `authorizer ${spec.name}: identity source missing (${spec.identitySources.map((s) => `${s.from} ${s.name}`).join(", ")})` };
    // TOKEN: a token not matching the validation expression is refused without invoking (same 401 page).
    if (spec.validationExpression && !new RegExp(`^(?:${spec.validationExpression})$`).test(identity[0])) {
      return { kind: "unauthorized", reason: `authorizer ${spec.name}: the token does not match the ValidationExpression` };
    }
    const cacheKey = JSON.stringify([spec.name, spec.function, identity]);
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expires > this.now() && spec.identitySources.length) return { kind: "ran", answer: cached.answer, latencyMs: 0 };
    const started = this.now();
    const event = authorizerEvent(spec, route, request, arn, identity);
    const result = toInvokeResult(await this.target.invoke(spec.function, Buffer.from(JSON.stringify(event))));
    const answer = readAnswer(spec, apiKind, result);
    if (answer.kind !== "policy" && answer.kind !== "simple") return answer;
    if (spec.ttlSec > 0 && spec.identitySources.length) this.cache.set(cacheKey, { answer, expires: this.now() + spec.ttlSec * 1000 });
    return { kind: "ran", answer, latencyMs: this.now() - started };
  }
}

/** `$context.x` identity sources: the request context's scalar fields, by their dotted names. */
function flatContext(context: RequestContext): Record<string, string> {
  const flat: Record<string, string> = {};
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === "object" && value !== null) for (const [key, item] of Object.entries(value)) walk(item, prefix ? `${prefix}.${key}` : key);
    else if (value !== undefined && value !== null) flat[prefix] = String(value);
  };
  walk({ ...context }, "");
  return flat;
}
