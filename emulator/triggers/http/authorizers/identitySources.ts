import type { IdentitySource } from "../../../protocol";
import type { GatewayRequest } from "../../events/httpEvents";

/**
 * The values of an authorizer's identity sources in a request, or undefined when one is
 * missing or empty: API Gateway then answers 401 without invoking the authorizer
 * (https://repost.aws/knowledge-center/api-gateway-401-error-lambda-authorizer: "the configured
 * identity sources are missing, null, empty or invalid").
 */
export function identityValues(sources: IdentitySource[], request: GatewayRequest, stageVariables: Record<string, string>, context: Record<string, string>): string[] | undefined {
  const query = new URLSearchParams(request.rawQuery);
  const values: string[] = [];
  for (const source of sources) {
    const value =
      source.from === "header" ? request.headers[source.name.toLowerCase()]?.join(",")
      : source.from === "query" ? query.getAll(source.name).join(",")
      : source.from === "stageVariable" ? stageVariables[source.name]
      : context[source.name];
    if (value === undefined || value === "") return undefined;
    values.push(value);
  }
  return values;
}
