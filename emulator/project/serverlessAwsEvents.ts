import { ManifestWarning } from "./errors";
import { compact, readMethod, readPath, singleKeyEntry, type ReadContext } from "./manifestFunction";
import { resourceName, type TemplateScope } from "./samIntrinsics";
import { readEventBridge, readInput, readSqs, readStream } from "./serverlessAwsSources";
import type { HttpRoute, StorageTrigger, TimerTrigger, TopicTrigger, TriggerSpec } from "./spec";
import type { YamlField } from "./yamlSource";

/** What the events of one function need from the service around them. */
export interface EventScope {
  context: ReadContext;
  /** `resources.Resources`, for `Fn::GetAtt: [MyQueue, Arn]` and `Ref: MyTopic`. */
  resources: TemplateScope;
  stage: string;
  /** Whether REST (`http`) routes are served under `/{stage}` (see readHttp). */
  prependStage: boolean;
  /** provider.httpApi: `payload` ("1.0" | "2.0") and `cors`. */
  httpApi: YamlField;
}

/**
 * Event types the framework knows that have no local trigger yet: the function still
 * loads and can be invoked directly. https://www.serverless.com/framework/docs/providers/aws/events
 */
const NOT_WIRED = [
  "cloudwatchEvent",
  "cloudwatchLog",
  "websocket",
  "alb",
  "cognitoUserPool",
  "alexaSkill",
  "alexaSmartHome",
  "iot",
  "iotFleetProvisioning",
  "kafka",
  "msk",
  "activemq",
  "rabbitmq",
  "cloudFront",
];

/** One item of `functions.NAME.events`; an event Faasbox does not wire is a warning and no trigger. */
export function readAwsEvent(item: YamlField, index: number, scope: EventScope): TriggerSpec[] {
  const [type, event] = singleKeyEntry(item, "`- httpApi: GET /hello`");
  switch (type) {
    case "httpApi":
      return [readHttpApi(event, scope)];
    case "http":
      return [readHttp(event, scope)];
    case "schedule":
      return readSchedule(event, index, scope);
    case "sqs":
      return readSqs(event, scope);
    case "stream":
      return readStream(event, scope);
    case "eventBridge":
      return readEventBridge(event, index, scope);
    case "sns":
      return [readSns(event, scope)];
    case "s3":
      return [readS3(event)];
    default: {
      const known = NOT_WIRED.includes(type) ? "is not wired locally yet" : "is not an event type Faasbox knows (a plugin's?)";
      warn(scope, event, `${type} events ${known}; nothing triggers this function from it locally, invoke it directly instead`);
      return [];
    }
  }
}

function warn(scope: EventScope, field: YamlField, message: string): void {
  scope.context.warn(ManifestWarning.at(field.ref, message));
}

/** `method path` as in `GET /users/{id}`; `*` is any method. */
function splitRoute(event: YamlField, example: string): { method: string; path: string } | undefined {
  if (event.isMap()) return undefined;
  const text = event.requireString(`a route such as ${example}, or a map {method, path}`);
  const [method, path, ...rest] = text.trim().split(/\s+/);
  if (!path || rest.length > 0) throw event.wrongType(`a route such as ${example}`);
  return { method, path };
}

/** `*` means any method in both event types; readMethod takes the rest. */
function routeMethod(method: string, field: YamlField): string {
  return method === "*" ? "ANY" : readMethod(field.withValue(method));
}

/**
 * HTTP API (payload 2.0 unless provider.httpApi.payload says "1.0"); `httpApi: '*'` is the
 * `$default` catch-all route. https://www.serverless.com/framework/docs/providers/aws/events/http-api
 * serverless-offline serves these without the stage in the path since v7 (its changelog),
 * as API Gateway does for an HTTP API's `$default` stage.
 */
function readHttpApi(event: YamlField, scope: EventScope): HttpRoute {
  const payload = scope.httpApi.child("payload").text('"1.0" or "2.0"') === "1.0" ? "aws-v1" : "aws-v2";
  const cors = scope.httpApi.child("cors").isSet && scope.httpApi.child("cors").value !== false ? true : undefined;
  if (event.value === "*") return { kind: "http", method: "ANY", path: "/{proxy+}", payload, catchAll: true, ...(cors ? { cors } : {}) };
  const written = splitRoute(event, "GET /hello");
  if (event.child("authorizer").isSet) warn(scope, event.child("authorizer"), "authorizers are not checked locally; every request reaches the function");
  const method = written?.method ?? event.child("method").string("an HTTP method or *") ?? "*";
  const pathField = written ? event.withValue(written.path) : event.child("path");
  if (pathField.value === "*") return { kind: "http", method: "ANY", path: "/{proxy+}", payload, catchAll: true, ...(cors ? { cors } : {}) };
  return compact<HttpRoute>({ kind: "http", method: routeMethod(method, event.child("method")), path: readPath(pathField), payload, cors });
}

/**
 * REST API (payload 1.0). API Gateway serves a REST API at
 * `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/{path}`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html), and
 * serverless-offline does the same unless `custom.serverless-offline.noPrependStageInUrl`
 * (https://github.com/dherault/serverless-offline#usage-and-command-line-options), so the
 * stage is the first path segment here too. The event's `path` then includes it, where
 * API Gateway's would not (the gateway has no notion of a stage prefix yet).
 * https://www.serverless.com/framework/docs/providers/aws/events/apigateway
 */
function readHttp(event: YamlField, scope: EventScope): HttpRoute {
  const written = splitRoute(event, "GET hello");
  const method = written?.method ?? event.child("method").requireString("an HTTP method such as get, or any");
  const path = readPath(written ? event.withValue(written.path) : event.child("path"));
  if (event.child("authorizer").isSet) warn(scope, event.child("authorizer"), "authorizers are not checked locally; every request reaches the function");
  if (event.child("private").boolean() === true) warn(scope, event.child("private"), "API keys are not checked locally; every request reaches the function");
  const integration = event.child("integration").string();
  if (integration !== undefined && !/^(lambda-proxy|aws_proxy)$/i.test(integration)) {
    warn(scope, event.child("integration"), `the ${integration} integration (request/response templates) is not emulated; the route is served as lambda-proxy`);
  }
  const cors = event.child("cors");
  const prefixed = scope.prependStage ? `/${scope.stage}${path === "/" ? "" : path}` : path;
  return compact<HttpRoute>({
    kind: "http",
    method: routeMethod(method, event.child("method")),
    path: prefixed,
    payload: "aws-v1",
    cors: cors.isSet && cors.value !== false ? true : undefined,
  });
}

/**
 * `schedule: rate(10 minutes)` or `{rate: [...], enabled, input, name}`; several
 * expressions in `rate` make one rule each.
 * https://www.serverless.com/framework/docs/providers/aws/events/schedule
 * The docs give no local name; the rule's `name`, else `schedule-N` (N counts the function's events from 1).
 */
function readSchedule(event: YamlField, index: number, scope: EventScope): TimerTrigger[] {
  const isMap = event.isMap();
  const rateField = isMap ? event.child("rate") : event;
  const rates = rateField.stringList("a schedule such as rate(10 minutes) or cron(0 12 * * ? *), or a list of them");
  if (!rates || rates.length === 0) throw rateField.missing("a schedule such as rate(10 minutes) or cron(0 12 * * ? *)");
  for (const key of ["inputPath", "inputTransformer"]) {
    if (event.child(key).isSet) warn(scope, event.child(key), `${key} is not applied locally; the function receives the scheduled event itself`);
  }
  const name = event.child("name").string();
  return rates.map((schedule, n) =>
    compact<TimerTrigger>({
      kind: "timer",
      name: (name ?? `schedule-${index + 1}`) + (rates.length > 1 ? `-${n + 1}` : ""),
      schedule,
      enabled: event.child("enabled").boolean() ?? true,
      input: readInput(event.child("input")),
      timezone: event.child("timezone").string("a time zone such as Europe/Paris"),
    }),
  );
}

/**
 * `sns: topic-name` (the framework creates it), an ARN, or `{topicName, arn, filterPolicy}`.
 * https://www.serverless.com/framework/docs/providers/aws/events/sns
 */
function readSns(event: YamlField, scope: EventScope): TopicTrigger {
  let topic: string;
  if (!event.isMap()) topic = resourceName(event, "TopicName", scope.resources, "the SNS topic name or ARN");
  else if (event.child("topicName").isSet) topic = event.child("topicName").requireString("the SNS topic name");
  else topic = resourceName(event.child("arn"), "TopicName", scope.resources, "the SNS topic (topicName or arn)");
  if (event.child("filterPolicy").isSet) warn(scope, event.child("filterPolicy"), "the filter policy is not applied locally; every message published to the topic is delivered");
  return { kind: "topic", name: topic, topic, batchSize: 1, source: "topic" };
}

/**
 * `s3: bucket` or `{bucket, event (default s3:ObjectCreated:*), rules: [{prefix}, {suffix}], existing}`.
 * https://www.serverless.com/framework/docs/providers/aws/events/s3
 */
function readS3(event: YamlField): StorageTrigger {
  const bucketField = event.isMap() ? event.child("bucket") : event;
  const bucket = bucketField.requireString("the bucket name");
  const filter: { prefix?: string; suffix?: string } = {};
  for (const rule of event.child("rules").items("a list such as [{prefix: uploads/}, {suffix: .jpg}]")) {
    for (const [key, value] of rule.entries("a map {prefix: ...} or {suffix: ...}")) {
      if (key !== "prefix" && key !== "suffix") throw rule.child(key).fail("unknown rule; expected prefix or suffix");
      filter[key] = value.requireString(`the key ${key}`);
    }
  }
  return compact<StorageTrigger>({
    kind: "storage",
    name: bucket,
    bucket,
    events: event.child("event").stringList("an S3 event such as s3:ObjectCreated:*") ?? ["s3:ObjectCreated:*"],
    ...filter,
  });
}
