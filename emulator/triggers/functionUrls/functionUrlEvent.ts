// The event a function URL sends its function: payload format 2.0, as an HTTP API's, with the
// fields a URL has no use for set to their sentinels. Field by field as "Request payload format"
// of https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads; where it
// is silent the comments say what Faasbox chose and why.
import { createHash } from "node:crypto";
import { LOCAL_ACCOUNT_ID } from "../../project/localAccount";
import { httpApiRequestIsBinary } from "../http/binaryMedia";
import { clf, parseQuery, withForwardedHeaders, type GatewayRequest } from "../events/httpEvents";

/** Who signed an AWS_IAM request (sigv4Check.ts); absent for AuthType NONE. */
export interface UrlCaller {
  accessKey: string;
}

/**
 * A function URL's id, `<url-id>` in https://<url-id>.lambda-url.<region>.on.aws: 32 lower-case
 * letters and digits. Lambda derives it from the account and more (urls-invocation.html); locally
 * it is derived from the region and the function's name, so it stays the same across restarts.
 */
export function urlId(functionName: string, region: string): string {
  const digest = createHash("sha256").update(`${LOCAL_ACCOUNT_ID}:${region}:${functionName}`).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(digest.subarray(0, 32), (byte) => alphabet[byte % alphabet.length]).join("");
}

/**
 * requestContext.domainPrefix is the first label of the URL's host name ("<url-id>"). Locally the
 * URL is reached by 127.0.0.1:PORT or NAME.lambda-url.localhost: a host name's first label, else
 * the URL's id.
 */
function domainPrefix(host: string | undefined, id: string): string {
  const name = (host ?? "").replace(/:\d+$/, "");
  if (!name || /^[\d.]+$/.test(name) || name.startsWith("[")) return id;
  return name.split(".")[0];
}

/**
 * The event of one request to the URL of `functionName`. requestContext.accountId: the docs' table
 * says "the AWS account ID of the function owner", but the URLs answer "anonymous" for AuthType
 * NONE (AWS's own sample, https://docs.powertools.aws.dev/lambda/typescript/latest/api/variables/_aws-lambda-powertools_parser.schemas.LambdaFunctionUrlSchema.html,
 * and AWS's Function URL launch deck); a signed request carries the caller's account, locally the
 * one account 123456789012. requestContext.authorizer.iam describes the caller of an AWS_IAM URL
 * (the docs' example); the caller is the local identity, whose ids the emulator makes up.
 */
export function functionUrlEvent(functionName: string, region: string, request: GatewayRequest, caller?: UrlCaller): Record<string, unknown> {
  const id = urlId(functionName, region);
  const { cookie, ...otherHeaders } = request.headers;
  // Header names lower case, repeated values joined with commas ("header2": "value1,value2" in the docs' example).
  const headers = Object.fromEntries(Object.entries(withForwardedHeaders(otherHeaders, request, true)).map(([name, values]) => [name, values.join(",")]));
  const host = request.headers.host?.[0];
  const requestContext: Record<string, unknown> = {
    accountId: caller ? LOCAL_ACCOUNT_ID : "anonymous",
    apiId: id,
    ...(caller
      ? {
          authorizer: {
            iam: {
              accessKey: caller.accessKey,
              accountId: LOCAL_ACCOUNT_ID,
              callerId: "AIDAFAASBOXLOCALCALLER",
              cognitoIdentity: null,
              principalOrgId: null,
              userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/faasbox-local`,
              userId: "AIDAFAASBOXLOCALCALLER",
            },
          },
        }
      : {}),
    // The Host the client used, port included, so that links the function builds lead back here.
    domainName: host ?? `${id}.lambda-url.${region}.on.aws`,
    domainPrefix: domainPrefix(host, id),
    http: { method: request.method, path: request.path, protocol: "HTTP/1.1", sourceIp: request.sourceIp, userAgent: request.headers["user-agent"]?.[0] ?? "" },
    requestId: request.requestId,
    // "routeKey: Function URLs don't use this parameter. Lambda sets this to $default as a placeholder"; stage likewise.
    routeKey: "$default",
    stage: "$default",
    time: clf(request.time),
    timeEpoch: request.time.getTime(),
  };
  const event: Record<string, unknown> = { version: "2.0", routeKey: "$default", rawPath: request.path, rawQueryString: request.rawQuery };
  // "cookies: An array containing all cookies sent as part of the request."
  if (cookie) event.cookies = cookie.flatMap((c) => c.split(";").map((part) => part.trim()).filter(Boolean));
  event.headers = headers;
  // Repeated parameters joined with commas ("parameter1": "value1,value2" in the docs' example); absent without a query.
  const query = parseQuery(request.rawQuery);
  if (Object.keys(query).length) event.queryStringParameters = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.join(",")]));
  event.requestContext = requestContext;
  // "isBase64Encoded: TRUE if the body is a binary payload and base64-encoded"; the docs do not list
  // the text types. AWS's launch deck says a body is base64-encoded unless its Content-Type is
  // text/* or application/json: the HTTP API's rule (binaryMedia.ts), which also keeps XML and JavaScript as text.
  const binary = request.body.length > 0 && httpApiRequestIsBinary(request.headers["content-type"]?.[0]);
  if (request.body.length > 0) event.body = binary ? request.body.toString("base64") : request.body.toString("utf8");
  // "pathParameters: Function URLs don't use this parameter ... null"; "stageVariables: ... null".
  event.pathParameters = null;
  event.isBase64Encoded = binary;
  event.stageVariables = null;
  return event;
}
