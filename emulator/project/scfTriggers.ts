import { ManifestWarning, collectProblem, type ManifestError } from "./errors";
import { compact, cosBucketName, readMethod, readPath, singleKeyEntry } from "./manifestFunction";
import { readScfEndpointGateway, readScfService } from "./scfApigwSettings";
import type { HttpRoute, StorageTrigger, TimerTrigger, TriggerSpec } from "./spec";
import type { YamlField } from "./yamlSource";

/**
 * The trigger settings of Tencent's Serverless components (scf, multi-scf, the v1
 * `@serverless/tencent-scf` and the Framework's serverless-tencent-scf plugin all
 * share them): a type, an optional name and `parameters`.
 * https://github.com/serverless-components/tencent-scf/blob/master/docs/configure.md (触发器)
 */
export const SCF_TRIGGER_TYPES = ["apigw", "timer", "cmq", "ckafka", "cos"];

export interface ScfTriggerContext {
  functionName: string;
  /**
   * The component's name for an unnamed trigger: `TYPE-${name}-${stage}-${app}` (the
   * configure.md trigger table; its example comment says `timer-${name}-${stage}`).
   */
  defaultName(type: string): string;
  warn(warning: ManifestWarning): void;
}

/**
 * One trigger. `item` holds the trigger (its `name`, v1 style), `parameters` its settings
 * (where the v2 docs also put `name`). A disabled trigger is never fired by the cloud:
 * timers keep `enabled: false` (listed, fired only by hand), the others are left out.
 */
export function readScfTrigger(type: string, item: YamlField, parameters: YamlField, context: ScfTriggerContext): TriggerSpec[] {
  const nameField = parameters.child("name").isSet && type !== "cmq" && type !== "ckafka" ? parameters.child("name") : item.child("name");
  const enabled = readEnable(type, parameters, context);
  warnQualifier(parameters, context);
  switch (type) {
    case "apigw":
      warnUnused(parameters, APIGW_SERVICE_UNUSED, context);
      return readEndpoints(parameters.child("endpoints"), item.child("name").string() ?? parameters.child("serviceName").string(), parameters, context);
    case "timer":
      return [
        compact<TimerTrigger>({
          kind: "timer",
          // The event's TriggerName: parameters.name, else the component's default.
          name: nameField.string("the trigger name") ?? context.defaultName("timer"),
          schedule: parameters.child("cronExpression").requireString('a cron expression such as "*/5 * * * * * *"'),
          enabled,
          message: parameters.child("argument").text(),
        }),
      ];
    case "cmq":
    case "ckafka": {
      if (!enabled) return [];
      warnUnused(parameters, type === "cmq" ? CMQ_UNUSED : CKAFKA_UNUSED, context);
      // CKafka's `name` is the instance and `topic` the topic; CMQ only has `name`.
      const order = type === "ckafka" ? ["topic", "name"] : ["name", "topic"];
      const topicField = parameters.child(order.find((key) => parameters.child(key).isSet) ?? order[0]);
      const topic = topicField.requireString(`the ${type === "cmq" ? "CMQ topic" : "CKafka topic"} name`);
      return [
        {
          kind: "topic",
          name: item.child("name").string() ?? topic,
          topic,
          batchSize: parameters.child("maxMsgNum").integer("a whole number of at least 1", 1) ?? 1,
          source: type === "cmq" ? "topic" : "queue",
        },
      ];
    }
    case "cos": {
      if (!enabled) return [];
      const bucket = cosBucketName(parameters.child("bucket").requireString("the bucket, such as uploads-1250000000"));
      const filter = parameters.child("filter");
      return [
        compact<StorageTrigger>({
          kind: "storage",
          name: item.child("name").string() ?? bucket,
          bucket,
          events: parameters.child("events").stringList("a COS event such as cos:ObjectCreated:*") ?? ["cos:ObjectCreated:*"],
          prefix: filter.child("prefix").string(),
          suffix: filter.child("suffix").string(),
        }),
      ];
    }
    case "cls":
    case "mps":
      // Documented trigger types with no local source (configure.md lists cls and mps).
      context.warn(
        ManifestWarning.at(item.ref, `${type} triggers are not emulated: nothing fires this locally; invoke the function by hand (faasbox invoke) with a ${type} event`),
      );
      return [];
    default:
      throw item.fail(`unknown event type ${JSON.stringify(type)}; expected one of ${SCF_TRIGGER_TYPES.join(", ")}`);
  }
}

/**
 * `events: [- TYPE: {name, parameters}]`, as the scf component and its v1 predecessor write
 * them. A broken event is a problem at its line; the function still loads with the others.
 */
export function readScfEvents(events: YamlField, context: ScfTriggerContext, problems: ManifestError[]): TriggerSpec[] {
  const triggers: TriggerSpec[] = [];
  for (const item of events.items("a list of events such as `- apigw: {...}`")) {
    const read = collectProblem(
      problems,
      () => {
        const [type, event] = singleKeyEntry(item, "`- apigw: {parameters: ...}`");
        return readScfTrigger(type, event, event.child("parameters"), context);
      },
      () => item.ref,
    );
    if (read) triggers.push(...read);
  }
  return triggers;
}

/**
 * `enable` defaults to false for every trigger but API gateway: the component tables say
 * so and tencent-component-toolkit sends `Enable: parameters?.enable ? 'OPEN' : 'CLOSE'`
 * (https://github.com/serverless-components/tencent-scf/blob/master/docs/configure.md).
 * A trigger left disabled only by that default surprises people, so it is said.
 */
function readEnable(type: string, parameters: YamlField, context: ScfTriggerContext): boolean {
  if (type === "apigw" || type === "cls" || type === "mps") return true;
  const enable = parameters.child("enable");
  const value = enable.boolean();
  if (value !== undefined) return value;
  const local = type === "timer" ? "it is listed but does not fire on its schedule (it can be fired by hand)" : "it is left out";
  context.warn(
    ManifestWarning.at(
      enable.ref,
      `not set: the component deploys this ${type} trigger disabled (enable defaults to false), so locally ${local}; set enable: true to use it`,
    ),
  );
  return false;
}

/** Versions and aliases are not emulated: every trigger runs the code in the folder. */
function warnQualifier(parameters: YamlField, context: ScfTriggerContext): void {
  const qualifier = parameters.child("qualifier");
  if (!qualifier.isSet || qualifier.value === "$DEFAULT" || qualifier.value === "$LATEST") return;
  context.warn(
    ManifestWarning.at(qualifier.ref, `versions and aliases are not emulated: locally this trigger runs the code in the function's folder, not ${String(qualifier.value)}`),
  );
}

function readEndpoints(endpoints: YamlField, apiName: string | undefined, service: YamlField, context: ScfTriggerContext): HttpRoute[] {
  const list = endpoints.items("a list of endpoints {path, method}");
  // Without endpoints the component creates one route named after the function, with every default.
  if (list.length === 0) {
    return [
      compact<HttpRoute>({
        kind: "http",
        method: "ANY",
        path: `/${context.functionName}`,
        payload: "scf",
        integratedResponse: false,
        name: apiName,
        api: readScfService(service, apiName ?? "apigw", context),
        scfGateway: readScfEndpointGateway(endpoints.withValue({}), context),
      }),
    ];
  }
  return list.map((endpoint) => readEndpoint(endpoint, apiName, service, context));
}

/**
 * One API gateway endpoint `{path, method, enableCORS, serviceTimeout, isBase64Encoded, function:
 * {isIntegratedResponse}}` of the service `service` (the trigger's parameters). Integrated
 * response is off unless asked for: `isIntegratedResponse` 默认值 false in configure.md's Function
 * table, and tencent-component-toolkit sends `serviceScfIsIntegratedResponse:
 * endpoint.function.isIntegratedResponse ? 'TRUE' : 'FALSE'`
 * (https://github.com/serverless-components/tencent-scf/blob/master/docs/configure.md).
 */
export function readEndpoint(endpoint: YamlField, apiName: string | undefined, service: YamlField, context: ScfTriggerContext): HttpRoute {
  warnUnused(endpoint, ENDPOINT_UNUSED, context);
  const fn = endpoint.child("function");
  if (fn.isMap()) warnQualifier(fn.withValue({ qualifier: fn.child("functionQualifier").value }), context);
  const cors = endpoint.child("enableCORS").isSet ? endpoint.child("enableCORS") : endpoint.child("cors");
  return compact<HttpRoute>({
    kind: "http",
    method: readMethod(endpoint.child("method")),
    path: readPath(endpoint.child("path")),
    payload: "scf",
    integratedResponse: (fn.isMap() ? fn.child("isIntegratedResponse").boolean() : undefined) ?? false,
    cors: cors.boolean(),
    name: endpoint.child("apiName").string() ?? apiName,
    api: readScfService(service, apiName ?? "apigw", context),
    scfGateway: readScfEndpointGateway(endpoint, context),
  });
}

/** Settings that are read nowhere locally, each with what that means. */
type Unused = Record<string, string>;

const APIGW_SERVICE_UNUSED: Unused = {
  serviceId: "the local gateway is one service for every function; the existing cloud service is not used",
  netTypes: "the local gateway listens on the host only",
  usagePlan: "usage plans are not emulated: no request quota",
};

const ENDPOINT_UNUSED: Unused = {
  apiId: "the route is made from path and method locally",
  param: "front-end parameters are not checked locally: requests missing them still reach the function",
  usagePlan: "usage plans are not emulated: no request quota",
  auth: "API keys are not checked locally: every request reaches the function",
};

const CMQ_UNUSED: Unused = {
  filterType: "messages are not filtered locally: every message published to the topic reaches the function",
  filterKey: "messages are not filtered locally: every message published to the topic reaches the function",
};

const CKAFKA_UNUSED: Unused = {
  offset: "local topics deliver messages published after the emulator started",
  retry: "a failed batch is not retried locally",
  timeout: "the local broker waits for the function's own timeout",
  timeOut: "the local broker waits for the function's own timeout",
};

export function warnUnused(field: YamlField, unused: Unused, context: { warn(warning: ManifestWarning): void }): void {
  for (const [key, meaning] of Object.entries(unused)) {
    const value = field.child(key);
    if (value.isSet) context.warn(ManifestWarning.at(value.ref, `not emulated: ${meaning}`));
  }
}
