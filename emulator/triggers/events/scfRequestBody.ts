import type { ScfGatewaySettings } from "../../protocol";

/**
 * The request body as Tencent's API gateway passes it to SCF. Base64 only as configured
 * (https://cloud.tencent.com/document/product/628/51799): "全部触发" encodes every body, "Header
 * 触发" only bodies of requests whose Content-Type or Accept has one of the rule's values; any
 * other body is passed "直接" (as is), here as UTF-8 text. The docs do not say how a value is
 * compared: Faasbox compares the media type without parameters, case-insensitively.
 */
export function scfRequestBody(
  base64: ScfGatewaySettings["base64"],
  headers: Record<string, string[]>,
  body: Buffer,
): { body: string; isBase64Encoded: boolean } {
  if (body.length > 0 && base64 && ("all" in base64 || base64.rules.some((rule) => matches(headers[rule.header]?.[0], rule.values)))) {
    return { body: body.toString("base64"), isBase64Encoded: true };
  }
  return { body: body.toString("utf8"), isBase64Encoded: false };
}

function matches(header: string | undefined, values: string[]): boolean {
  if (header === undefined) return false;
  const types = header.split(",").map((part) => part.split(";")[0].trim().toLowerCase());
  return values.some((value) => types.includes(value.trim().toLowerCase()));
}
