import { ManifestWarning } from "./errors";
import type { ApiContext, ScfGatewaySettings } from "../protocol";
import type { YamlField } from "./yamlSource";

/**
 * The settings of Tencent's API gateway trigger that change what a function gets or what the
 * client sees, read the way the Serverless components document them: the service (`protocols`,
 * `environment`, `serviceId`, `serviceName`) and each endpoint (`serviceTimeout`,
 * `isBase64Encoded`, `isBase64Trigger`, `base64EncodedTriggerRules`, `function.isIntegratedResponse`).
 * https://github.com/serverless-components/tencent-scf/blob/master/docs/configure.md (apigw 触发器参数, endpoints 参数)
 * https://github.com/serverless-components/tencent-multi-scf/blob/master/docs/configure.md (the same tables)
 */

/** 发布的环境，填写 release、test 或 prepub，不填写默认为 release (configure.md, apigw 触发器参数). */
export const SCF_ENVIRONMENTS = ["release", "prepub", "test"];
export const DEFAULT_SCF_ENVIRONMENT = "release";
/** serviceTimeout 默认值 15 (configure.md, endpoints 参数); tencent-apigateway's defaults say `serviceTimeout: 15` too. */
export const DEFAULT_SERVICE_TIMEOUT_SEC = 15;

interface Warn {
  warn(warning: ManifestWarning): void;
}

/**
 * The service an endpoint belongs to, as route.api: kind "scf", the environment as the stage.
 * The event's stageVariables are `{stage: ENVIRONMENT}` in the documented example event
 * (https://cloud.tencent.com/document/product/583/12513, 集成请求事件消息结构); the docs say nothing more of them.
 */
export function readScfService(service: YamlField, fallbackId: string, context: Warn): ApiContext {
  const stage = readEnvironment(service.child("environment"));
  warnProtocols(service.child("protocols"), context);
  const id = service.child("serviceId").string("a service id such as service-abcd1234") ??
    // multi-scf's example writes the service id as `id` (tencent-multi-scf docs/configure.md).
    service.child("id").string("a service id such as service-abcd1234") ??
    service.child("serviceName").string("a service name") ?? fallbackId;
  return { id, kind: "scf", stage, stageVariables: { stage } };
}

/** `environment` (components) or `stageName` (serverless-tencent-scf, TCSAM's StageName): release, prepub or test. */
export function readEnvironment(field: YamlField): string {
  const value = field.string(`one of ${SCF_ENVIRONMENTS.join(", ")}`);
  if (value === undefined) return DEFAULT_SCF_ENVIRONMENT;
  if (!SCF_ENVIRONMENTS.includes(value)) throw field.fail(`expected one of ${SCF_ENVIRONMENTS.join(", ")} (the API gateway's release environments), got ${JSON.stringify(value)}`);
  return value;
}

/**
 * `protocols`: 前端请求的类型，如 http，https，http 与 https, default ['http'] (configure.md). The local
 * gateway speaks plain HTTP only, so a service that allows only HTTPS is still served, over HTTP.
 */
function warnProtocols(field: YamlField, context: Warn): void {
  const protocols = field.stringList("a list of protocols: http, https");
  if (protocols === undefined) return;
  for (const [index, protocol] of protocols.entries()) {
    if (!["http", "https"].includes(protocol.toLowerCase())) throw field.child(Array.isArray(field.value) ? index : 0).fail(`expected http or https, got ${JSON.stringify(protocol)}`);
  }
  if (!protocols.some((p) => p.toLowerCase() === "http")) {
    context.warn(ManifestWarning.at(field.ref, "only https: the local gateway serves plain HTTP, so these routes are served over http:// (no TLS locally)"));
  }
}

/**
 * One endpoint's gateway settings. serviceTimeout defaults to 15 s as configure.md says;
 * Base64 encoding of request bodies follows "关于 API 网关 Base64 编码" there and
 * https://cloud.tencent.com/document/product/628/51799: isBase64Encoded encodes every request
 * body ("全部触发"), isBase64Trigger only requests whose Content-Type or Accept header has one of
 * the rule's values ("Header 触发"); the rules count only with isBase64Trigger: true.
 */
export function readScfEndpointGateway(endpoint: YamlField, context: Warn): ScfGatewaySettings {
  const serviceTimeoutSec = endpoint.child("serviceTimeout").integer("a whole number of seconds, at least 1", 1) ?? DEFAULT_SERVICE_TIMEOUT_SEC;
  const all = endpoint.child("isBase64Encoded").boolean();
  const byHeader = endpoint.child("isBase64Trigger").boolean();
  const rulesField = endpoint.child("base64EncodedTriggerRules");
  const rules = rulesField.items("a list of rules {name: Accept or Content_Type, value: [media types]}").map(readRule);
  if (all) return { serviceTimeoutSec, base64: { all: true } };
  if (byHeader) {
    if (rules.length === 0) throw rulesField.missing("at least one rule {name: Accept or Content_Type, value: [...]}: with isBase64Trigger: true the gateway encodes only requests a rule matches");
    return { serviceTimeoutSec, base64: { rules } };
  }
  if (rules.length > 0) {
    context.warn(ManifestWarning.at(rulesField.ref, "ignored: the rules apply only with isBase64Trigger: true (configure.md), so no request body is Base64-encoded"));
  }
  return { serviceTimeoutSec };
}

/** name: "Accept" or "Content_Type" (对应实际数据流请求 header 中的 Accept 和 Content-Type); value: the header values. */
function readRule(rule: YamlField): { header: "accept" | "content-type"; values: string[] } {
  const nameField = rule.child("name");
  const name = nameField.requireString("Accept or Content_Type");
  const header = name.toLowerCase() === "accept" ? "accept" : name.toLowerCase() === "content_type" ? "content-type" : undefined;
  if (!header) throw nameField.fail(`expected Accept or Content_Type (the component's names for the Accept and Content-Type headers), got ${JSON.stringify(name)}`);
  const values = rule.child("value").stringList("a list of header values such as application/zip");
  if (!values?.length) throw rule.child("value").missing("a list of header values such as application/zip");
  return { header, values };
}
