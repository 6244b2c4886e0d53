/**
 * Binary media types as API Gateway applies them. Patterns are media types where `*` stands for
 * any characters ("You can use the wildcard character (*) to cover multiple media types",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html);
 * SAM writes "/" as "~1" (image~1png), read here the same. Parameters (;charset=...) are not
 * part of the match.
 */
export function matchesBinaryMediaType(mediaType: string | undefined, binaryMediaTypes: readonly string[] | undefined): boolean {
  if (!mediaType || !binaryMediaTypes?.length) return false;
  const type = mediaType.split(";")[0].trim().toLowerCase();
  if (!type) return false;
  return binaryMediaTypes.some((pattern) => {
    const normalized = pattern.replace(/~1/g, "/").trim().toLowerCase();
    const regex = new RegExp(`^${normalized.split("*").map(escapeRegExp).join(".*")}$`);
    return regex.test(type);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * REST API request: the body reaches the function base64-encoded only when the request's
 * Content-Type matches a binary media type; otherwise as UTF-8 text ("Content type conversions",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html;
 * a text type listed as binary is base64-encoded too, observed:
 * https://github.com/aws/serverless-application-model/issues/3794). Nothing is guessed from the bytes.
 */
export function restRequestIsBinary(contentType: string | undefined, binaryMediaTypes: readonly string[] | undefined): boolean {
  return matchesBinaryMediaType(contentType, binaryMediaTypes);
}

/**
 * HTTP API request: HTTP APIs have no binary media types. "If the content type of the request
 * is binary, the body is base64-encoded", and the docs do not list the text types; checked
 * against AWS, a body arrives as text only for text/*, application/json, application/xml and
 * application/javascript, and everything else (a missing Content-Type and
 * application/x-www-form-urlencoded included) base64-encoded (observed:
 * https://github.com/ministackorg/ministack/pull/766).
 */
const HTTP_API_TEXT_TYPES = /^(text\/[^;]*|application\/(json|xml|javascript))\s*(;.*)?$/i;

export function httpApiRequestIsBinary(contentType: string | undefined): boolean {
  return !HTTP_API_TEXT_TYPES.test((contentType ?? "").trim());
}

/**
 * REST API response: a function's isBase64Encoded body is decoded to bytes only when the first
 * media type of the request's Accept header matches a binary media type ("API Gateway uses the
 * first Accept header from clients to determine if a response should return binary media",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/lambda-proxy-binary-media.html);
 * otherwise the client gets the base64 text. A request without Accept matches nothing (the docs
 * are silent). HTTP APIs decode every isBase64Encoded body (they have no binary media types;
 * observed: https://github.com/ministackorg/ministack/pull/766).
 */
export function restDecodesBase64Response(accept: string | undefined, binaryMediaTypes: readonly string[] | undefined): boolean {
  const first = accept?.split(",")[0];
  return matchesBinaryMediaType(first, binaryMediaTypes);
}
