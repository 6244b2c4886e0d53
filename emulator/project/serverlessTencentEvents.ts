import { ManifestWarning } from "./errors";
import { compact, readMethod, singleKeyEntry } from "./manifestFunction";
import { readEnvironment } from "./scfApigwSettings";
import { readScfTrigger, warnUnused, type ScfTriggerContext } from "./scfTriggers";
import type { ApiContext } from "../protocol";
import type { HttpRoute, TriggerSpec } from "./spec";
import type { YamlField } from "./yamlSource";

/**
 * One item of `functions.NAME.events` in the serverless-tencent-scf plugin's shape. Timer, COS,
 * CMQ and CKafka are the components' shape (`name` beside `parameters`) and go to readScfTrigger;
 * the plugin's API gateway trigger is its own: https://github.com/serverless-tencent/serverless-tencent-scf/blob/master/docs/en/yaml.md
 */
export function readTencentEvent(item: YamlField, context: ScfTriggerContext & { deployedName: string }): TriggerSpec[] {
  const [type, event] = singleKeyEntry(item, "`- timer: {name, parameters: ...}`");
  if (type === "apigw") return [readApigw(event, context)];
  return readScfTrigger(type, event, event.child("parameters"), context);
}

/**
 * The plugin passes only stageName, httpMethod, serviceId, integratedResponse and enable on
 * (provider/tencentProvider.js getAPIGWEvent), and deploy/lib/deployTrigger.js sends
 * `method: HttpMethod || 'GET'` and `isIntegratedResponse: IntegratedResponse ? 'TRUE' : 'FALSE'`.
 * The trigger has no path (SCF's TriggerDesc for apigw has none either:
 * https://cloud.tencent.com/document/product/583/39901); the docs do not say which path the
 * gateway gives the API, so the route is `/` plus the deployed function name, as the SCF console names it.
 * stageName is the release environment (the event's requestContext.stage). The plugin sends no
 * service timeout and the docs name no default for one it leaves out, so locally the gateway
 * waits for the function's own timeout.
 */
function readApigw(event: YamlField, context: ScfTriggerContext & { deployedName: string }): HttpRoute {
  const parameters = event.child("parameters");
  warnUnused(parameters, APIGW_UNUSED, context);
  const path = parameters.child("path");
  if (path.isSet) {
    context.warn(
      ManifestWarning.at(path.ref, `not passed on by serverless-tencent-scf, which creates the API without a path; locally the route is /${context.deployedName}`),
    );
  }
  return compact<HttpRoute>({
    kind: "http",
    method: parameters.child("httpMethod").isSet ? readMethod(parameters.child("httpMethod")) : "GET",
    path: `/${context.deployedName}`,
    payload: "scf",
    integratedResponse: parameters.child("integratedResponse").boolean() ?? false,
    name: event.child("name").string("the trigger name"),
    api: apiOf(parameters, event.child("name").string("the trigger name")),
  });
}

function apiOf(parameters: YamlField, name: string | undefined): ApiContext {
  const stage = readEnvironment(parameters.child("stageName"));
  return { id: parameters.child("serviceId").string("a service id such as service-abcd1234") ?? name ?? "apigw", kind: "scf", stage, stageVariables: { stage } };
}

const APIGW_UNUSED: Record<string, string> = {
  serviceId: "the local gateway is one service for every function; the existing cloud service is not used",
};
