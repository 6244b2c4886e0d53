// Wire shapes of a project's functions, their triggers, instances and pools, and of the
// emulator itself. A leaf: the implementation imports these, never the other way round.

/** Which cloud a function was written for: it decides event shapes, context, env and log lines. */
export type Dialect = "scf" | "aws";

/** Where a value came from, so errors and the editor can point at it. */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
}

/**
 * The API Gateway API a route belongs to (SAM's AWS::Serverless::Api / HttpApi, the implicit
 * ServerlessRestApi / ServerlessHttpApi, or an SCF API gateway service), with what changes its
 * requests and responses. Absent: the route's defaults (stage "$default", no CORS, no binary types).
 */
export interface ApiContext {
  /** The API's id as the manifest names it (a logical id; SAM's implicit APIs: ServerlessRestApi, ServerlessHttpApi). */
  id: string;
  kind: "rest" | "http" | "scf";
  /** StageName (REST: required; HTTP API: "$default" unless set). */
  stage: string;
  stageVariables?: Record<string, string>;
  /** CORS as configured on the API; absent: no CORS at all. */
  cors?: CorsConfig;
  /** Media types API Gateway treats as binary (REST BinaryMediaTypes, x-amazon-apigateway-binary-media-types). */
  binaryMediaTypes?: string[];
}

/** An API's CORS configuration, as API Gateway applies it. */
export interface CorsConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders?: string[];
  maxAgeSec?: number;
  allowCredentials?: boolean;
}

/** Settings of Tencent's API gateway for one SCF route that change what the function gets or the client sees. */
export interface ScfGatewaySettings {
  /** serviceTimeout: the gateway stops waiting after this many seconds and answers 504. */
  serviceTimeoutSec?: number;
  /** Request bodies Base64-encoded in the event: every one (isBase64Encoded), or those whose header matches a rule (isBase64Trigger). */
  base64?: { all: true } | { rules: Array<{ header: "accept" | "content-type"; values: string[] }> };
}

export interface HttpRoute {
  kind: "http";
  method: string; // upper case, or "ANY"
  path: string; // "/users/{id}" style; "{proxy+}" greedy
  /** Event shape: SCF API gateway, AWS REST (v1.0) or AWS HTTP API (v2.0). */
  payload: "scf" | "aws-v1" | "aws-v2";
  cors?: boolean;
  /** An HTTP API's `$default` route: every path, `/` included, with routeKey "$default" and no path parameters. */
  catchAll?: boolean;
  /** SCF: integrated response (the function returns statusCode/headers/body); off unless true. */
  integratedResponse?: boolean;
  /** SCF: the API gateway's own settings for this route (apigw trigger), where they change requests or responses. */
  scfGateway?: ScfGatewaySettings;
  name?: string;
  /** The API it belongs to; absent for routes of manifests without API resources (faasbox.yml). */
  api?: ApiContext;
  /** What API Gateway checks before the function runs (authorizer, API key); absent: nothing. */
  auth?: RouteAuth;
}

/**
 * A route's access control as API Gateway runs it: an authorizer, then (REST) an API key.
 * `apiKind` decides the refusal bodies and where the authorizer's output lands in the event.
 */
export interface RouteAuth {
  apiKind: "rest" | "http";
  /** For method and route ARNs (arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH). */
  region: string;
  authorizer?: AuthorizerSpec;
  /** Scopes of which the token must carry one (JWT, Cognito with AuthorizationScopes). */
  scopes?: string[];
  /** REST: the request must carry a locally configured API key. */
  apiKeyRequired?: boolean;
  /** REST ApiKeySourceType: HEADER (x-api-key) or AUTHORIZER (the Lambda authorizer's usageIdentifierKey). */
  apiKeySource?: "HEADER" | "AUTHORIZER";
}

export type AuthorizerSpec = LambdaAuthorizerSpec | JwtAuthorizerSpec;

/** Where API Gateway reads an identity from: `method.request.header.X`, `$request.querystring.q`... */
export interface IdentitySource {
  from: "header" | "query" | "stageVariable" | "context";
  name: string;
}

export interface LambdaAuthorizerSpec {
  kind: "lambda";
  /** The authorizer's name in Auth.Authorizers. */
  name: string;
  /** The project's function that runs it. */
  function: string;
  /** REST: TOKEN or REQUEST; HTTP APIs: REQUEST. */
  type: "TOKEN" | "REQUEST";
  /** HTTP APIs: the authorizer payload format version. */
  payloadVersion?: "1.0" | "2.0";
  /** HTTP APIs, 2.0: the function answers {isAuthorized, context} instead of an IAM policy. */
  simpleResponses?: boolean;
  identitySources: IdentitySource[];
  /** REST TOKEN: a regular expression the token must match, else 401 without invoking. */
  validationExpression?: string;
  /** How long a result is reused for the same identity (0: every request runs the function). */
  ttlSec: number;
}

/** An HTTP API JWT authorizer, or a REST API Cognito user pool authorizer (`cognito`). */
export interface JwtAuthorizerSpec {
  kind: "jwt";
  name: string;
  cognito: boolean;
  /** Issuers accepted exactly (the JWT issuer; one per Cognito user pool). */
  issuers: string[];
  /** Accepted when the pool id is not known locally (!GetAtt Pool.Arn): any issuer starting so. */
  issuerPrefix?: string;
  /** HTTP APIs: `aud` or `client_id` must be one of these. */
  audiences?: string[];
  identitySource: IdentitySource;
}

export interface TimerTrigger {
  kind: "timer";
  name: string;
  /** As written: SCF cron (6/7 fields or 5), AWS cron(...) / rate(...). */
  schedule: string;
  enabled: boolean;
  message?: string;
  input?: unknown;
  timezone?: string;
}

export interface TopicTrigger {
  kind: "topic";
  name: string;
  /** The topic or queue the function subscribes to. */
  topic: string;
  batchSize: number;
  /** How the source looks in the manifest: a topic (SNS, CMQ topic) or a queue (SQS, CMQ queue, CKafka). */
  source: "topic" | "queue";
  /** Lambda FilterCriteria patterns, ORed: a queue message matching none is deleted without an invocation. */
  filters?: Array<Record<string, unknown>>;
  /** MaximumBatchingWindowInSeconds: published messages are gathered this long (up to batchSize) into one event. */
  batchWindowSec?: number;
  /** FunctionResponseTypes: [ReportBatchItemFailures]: only the messages the response names are retried. */
  reportBatchItemFailures?: boolean;
}

export interface StorageTrigger {
  kind: "storage";
  name: string;
  bucket: string;
  events: string[];
  prefix?: string;
  suffix?: string;
}

/** An EventBridge rule (SAM EventBridgeRule / CloudWatchEvent, or an AWS::Events::Rule) targeting the function. */
export interface EventRuleTrigger {
  kind: "eventRule";
  name: string;
  /** The event bus the rule listens on ("default" unless EventBusName says otherwise). */
  bus: string;
  /** EventBridge event pattern: an event put on the bus invokes the function when it matches. */
  pattern: Record<string, unknown>;
  enabled: boolean;
  /** Input: this JSON replaces the event delivered to the function. */
  input?: unknown;
  /** InputPath: the part of the event delivered (a JSONPath such as $.detail). */
  inputPath?: string;
}

/** A Lambda event source mapping reading a Kinesis stream or a DynamoDB table's stream. */
export interface StreamTrigger {
  kind: "stream";
  name: string;
  source: "kinesis" | "dynamodb";
  /** The Kinesis stream's name, or the DynamoDB table's name. */
  stream: string;
  batchSize: number;
  /** TRIM_HORIZON, LATEST or AT_TIMESTAMP, as written (locally every record published while running is read). */
  startingPosition?: string;
  /** Lambda FilterCriteria patterns, ORed: a record matching none is skipped without an invocation. */
  filters?: Array<Record<string, unknown>>;
  /** FunctionResponseTypes: [ReportBatchItemFailures]: the batch is retried from the lowest sequence number reported. */
  reportBatchItemFailures?: boolean;
  /** DynamoDB: the table's StreamViewType (which images a record carries), when the template says. */
  viewType?: "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";
  /** MaximumBatchingWindowInSeconds: records are gathered this long (up to batchSize) into one event. */
  batchWindowSec?: number;
  /** BisectBatchOnFunctionError: a failed batch is split in halves, each retried on its own. */
  bisectBatchOnFunctionError?: boolean;
  /** MaximumRetryAttempts (-1: until the records expire); absent: the local default. */
  retries?: number;
}

/**
 * faasbox.yml's `database` event: the function gets the plain change event of a `databases:`
 * source (PostgreSQL logical replication). The source itself, with its URL, stays in the emulator.
 */
export interface DatabaseTrigger {
  kind: "database";
  /** The trigger's name: the source's unless the event names itself. */
  name: string;
  /** The `databases:` source it reads. */
  source: string;
  batchSize: number;
  /** Changes are gathered this long (up to batchSize) into one event; absent: delivered as they come. */
  batchWindowSec?: number;
  /** How often a failed batch is retried before it is dead-lettered; absent: the local default. */
  retries?: number;
}

/**
 * A Lambda function URL (SAM FunctionUrlConfig, serverless.yml `url`, AWS::Lambda::Url): the
 * function answers every path and method of its own host with payload 2.0 events.
 */
export interface FunctionUrlTrigger {
  kind: "url";
  /** Where it was declared: "FunctionUrlConfig", "url", or an AWS::Lambda::Url's logical id. */
  name: string;
  /** NONE: anyone may call it; AWS_IAM: each request must carry a valid SigV4 signature. */
  authType: "NONE" | "AWS_IAM";
  /** BUFFERED: the whole response at once; RESPONSE_STREAM: the function may stream it. */
  invokeMode: "BUFFERED" | "RESPONSE_STREAM";
  /** The URL's own CORS configuration; absent: no CORS header is added or answered. */
  cors?: CorsConfig;
}

export type TriggerSpec = HttpRoute | TimerTrigger | TopicTrigger | StorageTrigger | EventRuleTrigger | StreamTrigger | FunctionUrlTrigger | DatabaseTrigger;

export type InstanceState = "starting" | "idle" | "busy" | "stopping" | "stopped";

export interface PoolSnapshot {
  starting: number;
  idle: number;
  busy: number;
  stopping: number;
  queued: number;
  /** Standby instances (starting or ready, never given an event; counted in none of the above); absent when none. */
  standby?: number;
}

export interface InstanceInfo {
  id: string;
  function: string;
  state: InstanceState;
  createdAt: number;
  lastUsedAt: number;
  invocations: number;
  initMs?: number;
  /** Held ready for the function's next call that finds no idle instance (starting or idle; never given an event yet). */
  standby?: boolean;
}

/** `debug`: a debug session's instance serves the function's invocations. */
export type FunctionState = "stopped" | "starting" | "warm" | "busy" | "throttled" | "error" | "debug";

export interface FunctionInfo {
  name: string;
  runtime: string;
  dialect: Dialect;
  handler: string;
  codeDir: string;
  memoryMb: number;
  timeoutSec: number;
  maxConcurrency: number;
  triggers: TriggerSpec[];
  state: FunctionState;
  pool: PoolSnapshot;
  source: SourceLocation;
  /** False when instances run as local processes. */
  isolated: boolean;
  /** What its image runs here, once the emulator chose it (Docker only); absent until then. */
  runtimeHere?: RuntimeHere;
  /** An SCF Web function: scf_bootstrap starts its own server, which gets its routes' requests as sent. */
  web?: { instanceConcurrency: number; initTimeoutSec: number };
}

/** The image a function runs on and the language version in it, with what differs from what it declares. */
export interface RuntimeHere {
  image?: string;
  /** `20.20.2`; absent for custom runtimes or when unknown. */
  version?: string;
  /** Lines saying what differs (another version, another architecture); empty when nothing does. */
  notices: string[];
}

export interface FunctionsListResult {
  functions: FunctionInfo[];
  /** Manifest problems, each naming file, line and field. */
  problems: string[];
  /** What loads but differs from the cloud or is not emulated, each naming file, line and field and what it means locally. */
  warnings?: string[];
}

export interface EmulatorStatus {
  pid: number;
  version: string;
  protocolVersion: number;
  root: string;
  executor: "docker" | "process";
  isolated: boolean;
  startedAt: number;
  functions: number;
  controlUrl: string;
  httpUrl?: string;
  invokeUrl?: string;
}

export interface SampleEvent {
  type: string;
  dialect: Dialect;
  description: string;
  event: unknown;
}

export interface RouteInfo {
  function: string;
  method: string;
  path: string;
  url: string;
  payload: HttpRoute["payload"];
  /** The API the route belongs to (route.api.id), to list routes per API. */
  api?: string;
  /** A route of an OpenAPI body whose integration Faasbox cannot run (a mock, an HTTP proxy): why. It answers 501. */
  unsupported?: string;
  /** The route's function is an SCF Web function: requests (and WebSockets) pass through to its server. */
  web?: boolean;
}

export interface TimerInfo {
  function: string;
  name: string;
  /** As written in the manifest. */
  schedule: string;
  enabled: boolean;
  /** Milliseconds since the epoch; absent when disabled. */
  nextFire?: number;
  lastFire?: number;
  timezone?: string;
}

/** A function URL as served locally. */
export interface FunctionUrlInfo {
  function: string;
  /** Its own listener, answering at the root as the cloud's URL does: http://127.0.0.1:PORT/ */
  url: string;
  /** The same URL by name on the HTTP gateway's port: http://NAME.lambda-url.localhost:PORT/ */
  hostUrl?: string;
  authType: FunctionUrlTrigger["authType"];
  invokeMode: FunctionUrlTrigger["invokeMode"];
}

export interface TriggersListResult {
  routes: RouteInfo[];
  /** Function URLs, each on its own port (absent from emulators before 0.1.0). */
  urls?: FunctionUrlInfo[];
  timers: TimerInfo[];
  topics: string[];
  buckets: { bucket: string; folder: string }[];
  /** Database-change triggers, one per consumer (function × trigger); absent from emulators before 0.2.0. */
  databases?: DatabaseTriggerInfo[];
  /** Triggers that could not be set up (a bad schedule), each saying why. */
  problems: string[];
}

/** The event shape a database change reaches a function in. */
export type DatabaseChangeShape = "plain" | "dms-kinesis" | "dts-ckafka";

/** One function reading one database source, as `faasbox triggers` and the editor's tree show it. */
export interface DatabaseTriggerInfo {
  function: string;
  /** The function's trigger that reads it (its name in the manifest). */
  trigger: string;
  /** The `databases:` source's name. */
  source: string;
  /** The connection URL with its password masked (postgres://app:***@127.0.0.1:5432/shop, mysql://app:***@127.0.0.1:3306/shop). */
  url: string;
  /** Schema-qualified: public.orders. */
  tables: string[];
  shape: DatabaseChangeShape;
  /** Where the source is written (faasbox.yml), for links. */
  at: SourceLocation;
  /**
   * Bytes of WAL the consumer's replication slot has not confirmed yet (MySQL/MariaDB: bytes of binlog the server
   * wrote after the consumer's saved position); absent until the source reports it.
   */
  lagBytes?: number;
  /** "failing" with `error` saying why (unreachable, wal_level, privileges); absent until the source starts. */
  status?: "starting" | "running" | "failing";
  /** Why it fails, password masked. */
  error?: string;
}

export interface DebugSessionInfo {
  sessionId: string;
  function: string;
  /** "node": Chrome DevTools Protocol (inspector); "python": Debug Adapter Protocol (debugpy); "java": JDWP. */
  protocol: "node" | "python" | "java";
  host: string;
  port: number;
  /** Where the code is inside the instance, and on this machine, for path mapping. */
  remoteRoot: string;
  localRoot: string;
  /**
   * Node: the inspector's WebSocket path ("/UUID"); attach to ws://host:port + this path. The
   * inspector lists no target over HTTP (/json/list): its address goes only to the client that
   * started the session.
   */
  webSocketPath?: string;
}
