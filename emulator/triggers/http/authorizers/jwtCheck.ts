import { compactVerify, decodeJwt, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { JwtAuthorizerSpec } from "../../../protocol";
import type { Refusal } from "./refusals";

export interface JwtGrant {
  claims: Record<string, string>;
  scopes: string[] | null;
}

/**
 * A token checked as API Gateway checks it, the signature only when the user gave keys.
 * HTTP API JWT authorizers (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html#http-api-jwt-authorizer.evaluation):
 * a "Bearer " prefix is allowed; the signature by the `kid` key; `iss` equal to the issuer; `aud`
 * or `client_id` one of the audiences; `exp` after now, `nbf` and `iat` before; with route scopes,
 * `scope` or `scp` holding one of them (else 403). Any other failure is 401.
 * Cognito user pools on REST (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html):
 * without scopes the token is taken as an ID token, with scopes as an access token holding one of
 * them; the issuer is the pool's. The docs do not say which status a missing scope gets on REST:
 * Faasbox answers 401, as for any token the authorizer does not accept.
 */
export async function checkJwt(spec: JwtAuthorizerSpec, header: string, keys: JWTVerifyGetKey | undefined, scopes: string[] | undefined, nowSec = Date.now() / 1000): Promise<JwtGrant | Refusal> {
  const refuse = (why: string): Refusal => ({ kind: "unauthorized", reason: `authorizer ${spec.name}: ${why}` });
  const token = header.replace(/^Bearer\s+/i, "").trim();
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch (error) {
    return refuse(`not a JWT (${(error as Error).message})`);
  }
  if (keys) {
    try {
      await compactVerify(token, keys);
    } catch (error) {
      return refuse(`the signature does not verify against the JWKS (${(error as Error).message})`);
    }
  }
  const issuerOk = typeof claims.iss === "string" && (spec.issuers.includes(claims.iss) || (spec.issuerPrefix !== undefined && claims.iss.startsWith(spec.issuerPrefix)));
  if (!issuerOk) return refuse(`issuer ${JSON.stringify(claims.iss)} is not ${[...spec.issuers, ...(spec.issuerPrefix ? [`${spec.issuerPrefix}…`] : [])].join(" or ")}`);
  if (spec.audiences) {
    const audiences = [...(Array.isArray(claims.aud) ? claims.aud : [claims.aud]), claims.client_id];
    if (!audiences.some((aud) => typeof aud === "string" && spec.audiences!.includes(aud))) return refuse(`neither aud nor client_id is one of ${spec.audiences.join(", ")}`);
  }
  if (typeof claims.exp !== "number" || claims.exp <= nowSec) return refuse("the token has expired (or has no exp)");
  if (typeof claims.nbf === "number" && claims.nbf > nowSec) return refuse("the token is not valid yet (nbf)");
  if (typeof claims.iat === "number" && claims.iat > nowSec) return refuse("the token was issued in the future (iat)");
  const tokenScopes = scopeList(claims);
  if (spec.cognito) {
    const use = claims.token_use;
    if (!scopes && use !== "id") return refuse(`expected an ID token (token_use id), got token_use ${JSON.stringify(use)}`);
    if (scopes && (use !== "access" || !scopes.some((scope) => tokenScopes.includes(scope)))) return refuse(`expected an access token with one of the scopes ${scopes.join(" ")}`);
  } else if (scopes && !scopes.some((scope) => tokenScopes.includes(scope))) {
    return { kind: "forbidden", reason: `authorizer ${spec.name}: the token has none of the route's scopes ${scopes.join(" ")}` };
  }
  return { claims: stringClaims(claims), scopes: tokenScopes.length ? tokenScopes : null };
}

function scopeList(claims: JWTPayload): string[] {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === "string") return raw.split(" ").filter(Boolean);
  return Array.isArray(raw) ? raw.filter((item): item is string => typeof item === "string") : [];
}

/**
 * Claims as they reach the function: the docs show them as strings only; AWS writes numbers
 * and booleans as their text and lists as "[a b]" (not documented; as AWS delivers them).
 */
function stringClaims(claims: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([key, value]) => [key, typeof value === "string" ? value : Array.isArray(value) ? `[${value.join(" ")}]` : typeof value === "object" ? JSON.stringify(value) : String(value)]),
  );
}
