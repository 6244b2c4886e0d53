import type { CorsConfig } from "../protocol";
import type { YamlField } from "./yamlSource";

/**
 * The CORS configuration of a SAM API, read as written; the gateway applies it. Nothing is
 * added here that the template does not say (no default headers or methods): an empty list
 * is "not configured".
 */

/**
 * REST API (AWS::Serverless::Api) `Cors`: a string is the allowed origin; a map has
 * AllowOrigin (required), AllowMethods, AllowHeaders, MaxAge as strings that are header
 * values in single quotes ("'GET,POST'", "'600'"), and AllowCredentials as a boolean.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-corsconfiguration.html
 */
export function readRestCors(field: YamlField): CorsConfig | undefined {
  if (!field.isSet) return undefined;
  if (typeof field.value === "string") return { allowOrigins: [quotedHeader(field)], allowMethods: [], allowHeaders: [] };
  if (!field.isMap()) throw field.wrongType(`an origin in single quotes ("'https://example.com'") or a map of AllowOrigin, AllowMethods, AllowHeaders, MaxAge, AllowCredentials`);
  field.rejectUnknownKeys(["AllowOrigin", "AllowMethods", "AllowHeaders", "MaxAge", "AllowCredentials"]);
  const origin = field.child("AllowOrigin");
  if (!origin.isSet) throw origin.missing(`the allowed origin in single quotes, e.g. "'*'"`);
  const list = (key: string) => {
    const child = field.child(key);
    return child.isSet ? splitList(quotedHeader(child)) : [];
  };
  const maxAge = field.child("MaxAge");
  const config: CorsConfig = { allowOrigins: [quotedHeader(origin)], allowMethods: list("AllowMethods"), allowHeaders: list("AllowHeaders") };
  if (maxAge.isSet) {
    const seconds = Number(quotedHeader(maxAge));
    if (!Number.isInteger(seconds) || seconds < 0) throw maxAge.wrongType(`a number of seconds in single quotes, e.g. "'600'"`);
    config.maxAgeSec = seconds;
  }
  const credentials = field.child("AllowCredentials").boolean();
  if (credentials !== undefined) config.allowCredentials = credentials;
  return config;
}

/**
 * HTTP API (AWS::Serverless::HttpApi) `CorsConfiguration`: a map of AllowOrigins,
 * AllowMethods, AllowHeaders, ExposeHeaders (lists), MaxAge (integer), AllowCredentials.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-httpapi-httpapicorsconfiguration.html
 * `true` is not described there beyond the property's type (Boolean | map); SAM's translator
 * (samtranslator/model/api/http_api_generator.py, `_add_cors`) turns it into AllowOrigins ["*"]
 * and nothing else, which is what is read here. `false` is no CORS.
 */
export function readHttpCors(field: YamlField): CorsConfig | undefined {
  if (!field.isSet) return undefined;
  const flag = typeof field.value === "boolean" ? field.value : undefined;
  if (flag !== undefined) return flag ? { allowOrigins: ["*"], allowMethods: [], allowHeaders: [] } : undefined;
  if (!field.isMap()) throw field.wrongType("true, or a map of AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials");
  field.rejectUnknownKeys(["AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders", "MaxAge", "AllowCredentials"]);
  const list = (key: string) => field.child(key).stringList(`a list of ${key.slice(5).toLowerCase()}`) ?? [];
  const config: CorsConfig = { allowOrigins: list("AllowOrigins"), allowMethods: list("AllowMethods"), allowHeaders: list("AllowHeaders") };
  const expose = field.child("ExposeHeaders").stringList("a list of header names");
  if (expose) config.exposeHeaders = expose;
  const maxAge = field.child("MaxAge").integer("a number of seconds", 0);
  if (maxAge !== undefined) config.maxAgeSec = maxAge;
  const credentials = field.child("AllowCredentials").boolean();
  if (credentials !== undefined) config.allowCredentials = credentials;
  return config;
}

/**
 * SAM passes REST CORS values to API Gateway as header mapping expressions, where a literal
 * is written in single quotes: "'*'" is the value `*`. One without quotes would fail to deploy.
 */
function quotedHeader(field: YamlField): string {
  const text = field.text(`a value in single quotes, e.g. "'*'"`);
  const quoted = text === undefined ? undefined : /^'(.*)'$/s.exec(text);
  if (!quoted) throw field.wrongType(`a value in single quotes, e.g. "'*'" (SAM passes it to API Gateway as a literal header value)`);
  return quoted[1];
}

function splitList(value: string): string[] {
  return value.split(",").map((part) => part.trim()).filter(Boolean);
}
