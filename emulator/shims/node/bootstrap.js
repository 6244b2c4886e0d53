'use strict';
// Faasbox's Node.js runtime shim. It runs inside the function's container (or as a
// child process), loads the handler named by _HANDLER and serves invocations through
// the runtime API of the function's cloud: the Lambda Runtime API or SCF's
// custom-runtime API. Plain CommonJS with no dependencies: it is mounted read-only
// and must start fast.

const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');
const { installAwsLambdaGlobal, isStreamingHandler, ResponseStream, HIGH_WATER_MARK } = require('./responseStream.js');
const { RuntimeApiConnection } = require('./runtimeApiClient.js');
const { cpuProfiler } = require('./cpuProfile.js');

const env = process.env;
const dialect = env.FAASBOX_DIALECT === 'scf' ? 'scf' : 'aws';
const [apiHost, apiPort] = dialect === 'scf'
  ? [env.SCF_RUNTIME_API, Number(env.SCF_RUNTIME_API_PORT)]
  : [env.AWS_LAMBDA_RUNTIME_API.split(':')[0], Number(env.AWS_LAMBDA_RUNTIME_API.split(':')[1])];
const paths = dialect === 'scf'
  ? { next: '/runtime/invocation/next', response: () => '/runtime/invocation/response', error: () => '/runtime/invocation/error', initError: '/runtime/init/error', ready: '/runtime/init/ready' }
  : { next: '/2018-06-01/runtime/invocation/next', response: (id) => `/2018-06-01/runtime/invocation/${id}/response`, error: (id) => `/2018-06-01/runtime/invocation/${id}/error`, initError: '/2018-06-01/runtime/init/error' };
const taskRoot = env.LAMBDA_TASK_ROOT || env.USER_CODE_ROOT || process.cwd();
const functionName = env.AWS_LAMBDA_FUNCTION_NAME || env.SCF_FUNCTIONNAME;
const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || env.SCF_MEMORY_SIZE || 128);
// Two connections, as in the Python shim: one carries invocations (it long-polls /next), the
// other log lines, so logs never wait behind a parked /next. Where the emulator offers its socket
// (a local engine), they go straight to it rather than through the agent beside us.
const apiSocket = env.FAASBOX_RUNTIME_API_SOCKET || undefined;
const invocations = new RuntimeApiConnection(apiHost, apiPort, apiSocket);
const logChannel = new RuntimeApiConnection(apiHost, apiPort, apiSocket);

function request(method, urlPath, body, headers) {
  return invocations.request(method, urlPath, body, headers);
}

// ---- Logs: every console call and direct write becomes a record tagged with the
// request it belongs to, sent in order to the emulator; results wait for the flush.
const LOG_BATCH_LINES = 500;
let currentRequestId;
let logQueue = [];
let logFlight;
const partial = { stdout: '', stderr: '' };

function enqueueLog(stream, text) {
  logQueue.push({ stream, requestId: currentRequestId, time: Date.now(), text });
  if (!logFlight) logFlight = new Promise((resolve) => setImmediate(resolve)).then(sendLogs);
}

async function sendLogs() {
  while (logQueue.length > 0) {
    // Bounded batches: a handler printing megabytes still streams, and no request nears the body limit.
    const batch = logQueue.splice(0, LOG_BATCH_LINES);
    try {
      await logChannel.request('POST', '/faasbox/v1/logs', JSON.stringify(batch), { 'Content-Type': 'application/json' });
    } catch {
      // The emulator is gone; nothing useful can be done with the lines.
    }
  }
  logFlight = undefined;
}

function flushLogs() {
  endPartialLines();
  return logFlight || Promise.resolve();
}

function captureStream(stream) {
  process[stream].write = (chunk, encoding, callback) => {
    const text = partial[stream] + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
    const lines = text.split('\n');
    partial[stream] = lines.pop();
    for (const line of lines) enqueueLog(stream, line);
    if (typeof encoding === 'function') encoding();
    else if (typeof callback === 'function') callback();
    return true;
  };
}

// Lambda's Node.js runtime prints each console call as `<ISO time>\t<request id>\t<LEVEL>\t<message>`
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html, "Log format" example), with the
// levels of its table: trace TRACE, debug DEBUG, log and info INFO, warn WARN, error ERROR (same page,
// "Using log levels"). Outside an invocation (while the module loads) the request id is the word
// `undefined`, as the runtime prints it: e.g. the init error lines quoted in
// https://github.com/aws/aws-lambda-builders/pull/513 (the guide shows no init example).
// SCF's Node.js runtimes print `<ISO time> <request id> <message>`, no level
// (https://www.tencentcloud.com/document/product/583/46772, "Log output" example); what SCF prints
// outside an invocation is not documented: Faasbox leaves the request id out there.
function consoleLine(level, message) {
  const time = new Date().toISOString();
  if (dialect === 'scf') return currentRequestId ? `${time} ${currentRequestId} ${message}` : `${time} ${message}`;
  return `${time}\t${currentRequestId}\t${level}\t${message}`;
}

function logAt(stream, level) {
  return (...args) => enqueueLog(stream, consoleLine(level, util.format(...args)));
}

function patchConsole() {
  console.log = logAt('stdout', 'INFO');
  console.info = logAt('stdout', 'INFO');
  console.debug = logAt('stdout', 'DEBUG');
  console.warn = logAt('stderr', 'WARN');
  console.error = logAt('stderr', 'ERROR');
  console.trace = logAt('stderr', 'TRACE');
  captureStream('stdout');
  captureStream('stderr');
}

/** Ends a line the function left open: it belongs to the request (or phase) that printed it. */
function endPartialLines() {
  for (const stream of ['stdout', 'stderr']) {
    if (partial[stream]) {
      enqueueLog(stream, partial[stream]);
      partial[stream] = '';
    }
  }
}

// ---- Faasbox's own frames are no part of the function's stack: the clouds show their runtime's
// frames (/var/runtime/...), which have no meaning here, so the shim's are dropped altogether.
const shimFolder = __dirname + path.sep;

function withoutShimFrames(lines) {
  return lines.filter((line) => !line.includes(shimFolder) && !line.includes(pathToFileURL(shimFolder).href));
}

/**
 * A thrown value as Lambda's Node.js runtime writes it in its log lines: an Error becomes
 * {errorType, errorMessage, ...its own enumerable fields, stack: [lines]}, anything else as it is.
 * The runtime interface client's Errors.toFormatted does this
 * (https://github.com/aws/aws-lambda-nodejs-runtime-interface-client, src/Errors.js); the guide
 * shows the result in the "Invoke Error" lines of https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html.
 */
function formattedForLog(error) {
  const replacer = (_key, value) => {
    if (!(value instanceof Error)) return value;
    const shaped = { errorType: value.name, errorMessage: value.message, code: value.code, ...value };
    if (typeof value.stack === 'string') shaped.stack = withoutShimFrames(value.stack.split('\n'));
    return shaped;
  };
  try {
    return `\t${JSON.stringify(error, replacer)}`;
  } catch {
    return `\t${util.inspect(error, { depth: 2, breakLength: Infinity })}`;
  }
}

/**
 * The ERROR line the runtime itself prints for an error the handler did not handle, so it shows in
 * the function's logs whatever triggered it (HTTP, timer, invoke). Lambda: `Invoke Error`,
 * `Uncaught Exception` (also for init errors) or `Unhandled Promise Rejection`, then the error as
 * formattedForLog shapes it (nodejs-exceptions page above; init: aws/aws-lambda-builders#513).
 * SCF documents no such line: Faasbox prints the error's stack as console.error would, in SCF's format.
 */
function logUnhandled(label, error) {
  if (dialect === 'scf') {
    const text = error instanceof Error && error.stack ? withoutShimFrames(String(error.stack).split('\n')).join('\n') : util.format(error);
    enqueueLog('stderr', consoleLine('ERROR', text));
    return;
  }
  enqueueLog('stderr', consoleLine('ERROR', util.format(label, formattedForLog(error))));
}

// ---- Errors in the clouds' shape.
function toError(error, fallbackType) {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== 'Error' ? error.name : (error.constructor && error.constructor.name) || fallbackType || 'Error',
      errorMessage: error.message,
      stackTrace: withoutShimFrames(String(error.stack || '').split('\n')),
    };
  }
  if (error && typeof error === 'object') return { errorType: fallbackType || 'Error', errorMessage: jsonOrInspect(error) };
  return { errorType: typeof error === 'string' ? 'string' : fallbackType || 'Error', errorMessage: String(error) };
}

/** A thrown object as JSON, or as util.inspect shows it when JSON cannot hold it (a cycle, a BigInt). */
function jsonOrInspect(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return util.inspect(value, { depth: 2, breakLength: Infinity });
  }
}

// ---- A result JSON cannot hold (a cycle, a BigInt, a toJSON that throws) fails the invocation
// as each cloud's runtime fails it, and the instance serves on. Lambda's developer guide does not
// document it; its Node.js runtime interface client does, and posts it as the invocation's error
// (https://github.com/aws/aws-lambda-nodejs-runtime-interface-client). Client 3.x (nodejs18.x to
// nodejs22.x) throws `new Error('Unable to stringify response body')` (src/RAPIDClient.js,
// _trySerializeResponse) and its promise chain reports it; 4.0.0, "for Node.js 24"
// (RELEASE.CHANGELOG.md), throws JSONStringifyError, named Runtime.JSONStringifyError
// (src/utils/serialize.ts, src/utils/errors.ts, src/runtime/buffered-invoke-processor.ts).
// SCF's docs are silent (no such case among https://www.tencentcloud.com/document/product/583/35311):
// Faasbox reports client 4's type there, with the reason in the message.
const nodeMajor = Number((/^AWS_Lambda_nodejs(\d+)/.exec(env.AWS_EXECUTION_ENV || '') || [])[1]) || 0;

function unserialisableResult(cause) {
  const reason = (cause instanceof Error ? `${cause.name}: ${cause.message}` : `${typeof cause}: ${String(cause)}`).replace(/\s*\n\s*/g, ' ');
  const errorType = dialect === 'scf' || nodeMajor >= 24 ? 'Runtime.JSONStringifyError' : 'Error';
  const errorMessage = dialect === 'scf' ? `Unable to stringify response body: ${reason}` : 'Unable to stringify response body';
  // The cloud's trace is its runtime client's; the cause is what the developer needs.
  const causeLines = cause instanceof Error && cause.stack ? String(cause.stack).split('\n') : [reason];
  return { errorType, errorMessage, stackTrace: [`${errorType}: ${errorMessage}`, `Caused by: ${causeLines[0]}`, ...causeLines.slice(1)] };
}

/** An error body as JSON, even when the function put something JSON cannot hold in it. */
function errorJson(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify({ errorType: String(value.errorType), errorMessage: jsonOrInspect(value.errorMessage) });
  }
}

/**
 * The error type as a header value: Node refuses to send a control character or anything past
 * Latin-1 (an error class named in Chinese) in one, which would end the runtime instead.
 */
function errorTypeHeader(errorType) {
  return String(errorType).replace(/[^\t\x20-\x7e\xa0-\xff]/g, (c) => encodeURIComponent(c));
}

// Inside a container the cgroup's peak covers every process of the instance; it is read
// with pread on a descriptor opened once (this runs on every invocation). On the host
// (process executor) the cgroup is the machine's, so this process's peak RSS is used.
let cgroupPeak;
const peakBuffer = Buffer.alloc(32);
function memoryKb() {
  let peak = process.resourceUsage().maxRSS;
  if (cgroupPeak === undefined) {
    cgroupPeak = null;
    if (env.FAASBOX_IN_CONTAINER) {
      for (const file of ['/sys/fs/cgroup/memory.peak', '/sys/fs/cgroup/memory/memory.max_usage_in_bytes']) {
        try {
          cgroupPeak = fs.openSync(file, 'r');
          break;
        } catch {
          // another cgroup version
        }
      }
    }
  }
  if (cgroupPeak !== null) {
    try {
      const read = fs.readSync(cgroupPeak, peakBuffer, 0, peakBuffer.length, 0);
      peak = Math.max(peak, Math.ceil(Number(peakBuffer.toString('utf8', 0, read)) / 1024));
    } catch {
      // the cgroup went away: keep the RSS figure
    }
  }
  return peak;
}

/** An init error as Lambda logs it: an Error named by its runtime error type (Runtime.ImportModuleError...). */
function initErrorForLog(error, body) {
  if (!(error instanceof InitError)) return error;
  const shaped = new Error(body.errorMessage);
  Object.defineProperty(shaped, 'name', { value: body.errorType }); // not enumerable: no extra JSON field
  shaped.stack = error.stack && error.stack.startsWith(`${body.errorType}: `) ? error.stack : `${body.errorType}: ${body.errorMessage}`;
  return shaped;
}

/**
 * Lambda's runtime wraps a rejection nobody handled in a Runtime.UnhandledPromiseRejection error whose
 * message is the reason as a string, with the reason and the promise beside it (its lines read
 * `Unhandled Promise Rejection \t{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":...,
 * "reason":...,"promise":{},"stack":[...]}`: src/Errors.js and src/index.js of the runtime interface
 * client above; the developer guide does not show one).
 */
function unhandledRejectionForLog(reason) {
  const wrapped = new Error(String(reason));
  Object.defineProperty(wrapped, 'name', { value: 'Runtime.UnhandledPromiseRejection' });
  wrapped.reason = reason;
  wrapped.promise = {};
  wrapped.stack = `${wrapped.name}: ${wrapped.message}`;
  return wrapped;
}

// ---- Handler loading: "dir/file.export" with CommonJS, ES modules and nested exports.
function isEsm(file) {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module';
    } catch {
      // no readable package.json here: look further up
    }
    if (dir === path.dirname(dir) || !dir.startsWith(taskRoot)) return false;
  }
}

class InitError extends Error {
  constructor(errorType, message, cause) {
    super(message);
    this.errorType = errorType;
    if (cause && cause.stack) this.stack = `${errorType}: ${message}\n${cause.stack}`;
  }
}

let nodePathHookRegistered = false;
/**
 * ES modules look in NODE_PATH's folders as a last resort, as in Lambda (see nodePathResolve.mjs):
 * so an .mjs handler imports the runtime's bundled SDK. Only where module.register exists (Node 20.6+).
 */
function searchNodePathFromEsm() {
  const folders = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  const { register } = require('node:module');
  if (!folders.length || typeof register !== 'function' || nodePathHookRegistered) return;
  nodePathHookRegistered = true;
  register(pathToFileURL(path.join(__dirname, 'nodePathResolve.mjs')).href, { data: { folders } });
}

async function loadHandler(handlerName) {
  const slash = handlerName.lastIndexOf('/');
  const dot = handlerName.indexOf('.', slash + 1);
  if (dot < 0) throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${handlerName}: expected FILE.EXPORT`);
  const modulePath = handlerName.slice(0, dot);
  const exportPath = handlerName.slice(dot + 1).split('.');
  const base = path.resolve(taskRoot, modulePath);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}' (looked for ${modulePath}.js, .mjs and .cjs in ${taskRoot})`);
  let mod;
  try {
    if (isEsm(file)) {
      searchNodePathFromEsm();
      mod = await import(pathToFileURL(file).href);
    }
    else {
      try {
        mod = require(file);
      } catch (error) {
        if (error && error.code === 'ERR_REQUIRE_ESM') {
          searchNodePathFromEsm();
          mod = await import(pathToFileURL(file).href);
        }
        else throw error;
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw new InitError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error);
    if (error && (error.code === 'MODULE_NOT_FOUND' || error.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new InitError('Runtime.ImportModuleError', `Error: ${error.message.split('\n')[0]}`, error);
    }
    throw error;
  }
  let handler = mod;
  for (const key of exportPath) handler = handler == null ? undefined : handler[key];
  if (handler === undefined && mod && mod.default && typeof mod.default === 'object') {
    handler = exportPath.reduce((value, key) => (value == null ? undefined : value[key]), mod.default);
  }
  if (typeof handler !== 'function') {
    throw new InitError('Runtime.HandlerNotFound', `${handlerName} is undefined or not exported`);
  }
  return handler;
}

// ---- Invocation.
// SCF's context.environ: the function's variables as one "KEY=value;KEY=value" string
// (https://cloud.tencent.com/document/product/583/9210, context 入参: environ; its format is the one
// Tencent's CloudBase SDK parses, parseContext in https://docs.cloudbase.net/api-reference/server/node-sdk/env).
// context.environment, the same as JSON, is Faasbox's own older field, kept. Both are fixed at start.
const functionVariables = Object.entries(env).filter(([key]) => !key.startsWith('FAASBOX_'));
const environmentJson = JSON.stringify(Object.fromEntries(functionVariables));
const environ = functionVariables.map(([key, value]) => `${key}=${value}`).join(';');

// The context's fields that come from the environment, read once at start (each process.env read
// is a call into C++, on every invocation). Neither cloud's docs say whether a handler that changes
// these variables changes its later contexts; here it does not.
const contextConstants = {
  defaultArn: `arn:aws:lambda:${env.AWS_REGION || 'us-east-1'}:123456789012:function:${functionName}`,
  logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME || `/aws/lambda/${functionName}`,
  logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME || env.FAASBOX_INSTANCE_ID,
  timeLimitMs: Number(env.FAASBOX_TIMEOUT_SEC) * 1000,
  namespace: env.SCF_NAMESPACE || 'default',
  region: env.TENCENTCLOUD_REGION || env.AWS_REGION,
  appid: env.TENCENTCLOUD_APPID || '',
  uin: env.TENCENTCLOUD_UIN || '',
};

function makeContext(headers, requestId) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']) || Date.now() + Number(headers['time_limit_in_ms'] || 3000);
  const getRemainingTimeInMillis = () => Math.max(0, deadline - Date.now());
  const context = {
    // AWS Lambda
    awsRequestId: requestId,
    functionName,
    functionVersion: '$LATEST',
    memoryLimitInMB: String(memoryMb),
    // The emulator always sends the ARN to AWS functions; the fallback carries Faasbox's one local
    // account id (LOCAL_ACCOUNT_ID in emulator/project/localAccount.ts).
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'] || contextConstants.defaultArn,
    logGroupName: contextConstants.logGroupName,
    logStreamName: contextConstants.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    // Tencent SCF
    request_id: requestId,
    function_name: functionName,
    function_version: '$LATEST',
    memory_limit_in_mb: memoryMb,
    time_limit_in_ms: Number(headers['time_limit_in_ms']) || contextConstants.timeLimitMs,
    namespace: contextConstants.namespace,
    tencentcloud_region: contextConstants.region,
    tencentcloud_appid: contextConstants.appid,
    tencentcloud_uin: contextConstants.uin,
    environ,
    environment: environmentJson,
    getRemainingTimeInMillis,
  };
  if (headers['lambda-runtime-client-context']) {
    try {
      context.clientContext = JSON.parse(headers['lambda-runtime-client-context']);
    } catch {
      // a malformed client context is ignored, as Lambda does
    }
  }
  return context;
}

// ---- When an invocation ends.
// 'beforeExit' fires each time Node's event loop has nothing left to do: between invocations
// the shim holds no handle (runtimeApiClient.js unrefs its idle connections, as Node's http.Agent does), so it
// means "the handler's timers, sockets and callbacks are all done".
const emptyLoopWaiters = [];
process.on('beforeExit', () => {
  for (const resume of emptyLoopWaiters.splice(0)) resume();
});
function whenEventLoopEmpty() {
  return new Promise((resolve) => emptyLoopWaiters.push(resolve));
}

/**
 * Async, callback and plain-return handlers all end here as one promise, by each cloud's rules:
 * - a promise (an async handler) ends the invocation when it settles;
 * - `callback(error, result)` answers, and with context.callbackWaitsForEmptyEventLoop (true by
 *   default) the answer leaves once the event loop is empty, else at once. Lambda:
 *   https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html (callback-based handlers) and
 *   https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html (callbackWaitsForEmptyEventLoop);
 *   SCF: https://cloud.tencent.com/document/product/583/67790 (非异步处理程序, the same flag);
 * - a non-async handler that neither answers nor returns a promise ends when the event loop is
 *   empty, with a null result (the same Lambda page: the function runs "until the event loop is
 *   empty or the function times out"; SCF's page: it runs until it completes or times out), so a
 *   2-argument handler that answers later from a timer is waited for;
 * - the legacy context.done(error, result), context.succeed(result) and context.fail(error) answer
 *   at once, without waiting for the event loop. Today's docs no longer describe them; this is what
 *   Lambda's Node.js runtime interface client does (src/CallbackContext.js in
 *   https://github.com/aws/aws-lambda-nodejs-runtime-interface-client). SCF's docs are silent: same;
 * - SCF also takes a plain value a synchronous handler returns (Faasbox's long-standing reading of
 *   SCF's sync style; its docs do not say). Lambda ignores a non-promise return value.
 * Only the first answer counts.
 */
function runHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let answered = false;
    const settle = (error, result) => {
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    const answer = (error, result, waitForEmptyLoop) => {
      if (answered) return;
      answered = true;
      if (waitForEmptyLoop) void whenEventLoopEmpty().then(() => settle(error, result));
      else settle(error, result);
    };
    const callback = (error, result) => answer(error, result, context.callbackWaitsForEmptyEventLoop !== false);
    context.done = (error, result) => answer(error, result, false);
    context.succeed = (result) => answer(null, result, false);
    context.fail = (error) => answer(error || new Error('handler failed'), undefined, false);
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (error) {
      answer(error, undefined, false);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then((r) => answer(null, r, false), (e) => answer(e === undefined ? new Error('promise rejected with undefined') : e, undefined, false));
    } else if (dialect === 'scf' && returned !== undefined) {
      answer(null, returned, false);
    } else {
      void whenEventLoopEmpty().then(() => answer(null, null, false));
    }
  });
}

/** Posts the result and gets the next invocation in the same exchange (Faasbox's own endpoint). */
async function postResultAndNext(requestId, ok, value) {
  await flushLogs();
  let body;
  if (ok) {
    try {
      body = JSON.stringify(value === undefined ? null : value);
    } catch (cause) {
      ok = false;
      value = unserialisableResult(cause);
    }
  }
  if (!ok) body = errorJson(value);
  const headers = { 'Content-Type': 'application/json', 'X-Faasbox-Memory-Kb': String(memoryKb()) };
  if (!ok) headers['Lambda-Runtime-Function-Error-Type'] = errorTypeHeader(value.errorType);
  return request('POST', `/faasbox/v1/invocation/${encodeURIComponent(requestId)}/${ok ? 'response' : 'error'}/next`, body, headers);
}

/**
 * One invocation of a streamifyResponse handler, as Lambda's Node.js runtime runs it (src/Runtime.js,
 * handleOnceStreaming, of the runtime interface client): the handler must return a promise; what it
 * throws or rejects with, or a non-promise return, fails the stream with the error trailers; a value
 * it resolves with is ignored with a warning; the invocation ends when the handler ends the stream
 * (a stream left open runs into the function's timeout, as there).
 */
async function runStreamingInvocation(handler, event, context, requestId) {
  const stream = new ResponseStream({
    host: apiHost,
    port: apiPort,
    socketPath: apiSocket,
    path: paths.response(requestId),
    highWaterMark: handler[HIGH_WATER_MARK],
    beforeEnd: () => flushLogs(),
    memoryKb,
    shapeError: (error) => {
      const body = toError(error);
      return { body: errorJson(body), type: errorTypeHeader(body.errorType) };
    },
  });
  try {
    const returned = handler(event, stream, context);
    if (!returned || typeof returned.then !== 'function') {
      const message = 'Streaming does not support non-async handlers.';
      logUnhandled('Invoke Error', message);
      stream.fail(message);
    } else if ((await returned) !== undefined) {
      console.warn('Streaming handlers ignore return values.');
    }
  } catch (error) {
    logUnhandled('Invoke Error', error);
    stream.fail(error);
  }
  await stream.done;
}

/** process.exit() leaves no time for an async flush: write what is queued straight to the fds. */
function writeQueuedLogsSync() {
  flushLogs();
  for (const line of logQueue) fs.writeSync(line.stream === 'stderr' ? 2 : 1, `${line.text}\n`);
  logQueue = [];
}

async function main() {
  patchConsole();
  process.on('exit', writeQueuedLogsSync);
  // Under a debugger Node does not exit until the debugger lets go; say the status first.
  if (env.FAASBOX_DEBUG_PORT) process.on('exit', (code) => fs.writeSync(2, `faasbox: process exiting with status ${code}\n`));
  // Lambda's Node.js runtimes give every function the `awslambda` global (responseStream.js). SCF's
  // Node.js runtimes document nothing of the kind: their development page
  // (https://cloud.tencent.com/document/product/583/67790) gives handlers (event, context, callback)
  // and no global, and no SCF page describes streaming a response from an event function. SCF
  // functions get no such global here.
  if (dialect === 'aws') installAwsLambdaGlobal(env);
  let handler;
  try {
    handler = await loadHandler(env._HANDLER);
  } catch (error) {
    const body = toError(error, error.errorType);
    if (error.errorType) body.errorType = error.errorType;
    logUnhandled('Uncaught Exception', initErrorForLog(error, body));
    await flushLogs();
    await request('POST', paths.initError, errorJson(body), { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': errorTypeHeader(body.errorType) });
    process.exit(1);
  }
  process.on('unhandledRejection', (reason) => fatal('Runtime.UnhandledPromiseRejection', reason));
  process.on('uncaughtException', (error) => fatal('Runtime.UncaughtException', error));
  // What the module printed while loading is the init phase's, and reaches the emulator before the
  // first invocation does (Lambda shows it before the first START).
  await flushLogs();
  if (paths.ready) await request('POST', paths.ready, ' ');
  const streaming = dialect === 'aws' && isStreamingHandler(handler);
  const profiler = cpuProfiler(env);
  let next = await request('GET', paths.next);
  for (;;) {
    const requestId = next.headers['lambda-runtime-aws-request-id'] || next.headers['request_id'];
    currentRequestId = requestId;
    let event;
    try {
      event = next.body.length ? JSON.parse(next.body.toString('utf8')) : {};
    } catch {
      event = next.body.toString('utf8');
    }
    // Lambda's runtime sets _X_AMZN_TRACE_ID from each invocation's Lambda-Runtime-Trace-Id header
    // (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html, "Next invocation"; listed among
    // the reserved variables, https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
    if (next.headers['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
    else delete env._X_AMZN_TRACE_ID;
    if (streaming) {
      await runStreamingInvocation(handler, event, makeContext(next.headers, requestId), requestId);
      endPartialLines();
      currentRequestId = undefined;
      next = await request('GET', paths.next);
      while (next.status !== 200) next = await request('GET', paths.next);
      continue;
    }
    let ok = true;
    let value;
    try {
      value = await runHandler(handler, event, makeContext(next.headers, requestId));
    } catch (error) {
      ok = false;
      value = toError(error);
      logUnhandled('Invoke Error', error);
    }
    // A line left open (no trailing newline) is still this request's.
    endPartialLines();
    currentRequestId = undefined;
    profiler.invocationDone();
    next = await postResultAndNext(requestId, ok, value);
    // Anything but an invocation (an emulator refusing the post) must not run as an event.
    while (next.status !== 200) next = await request('GET', paths.next);
  }
}

/** An error outside the handler's promise: report it on the current request, then exit as Lambda does. */
function fatal(errorType, error) {
  const body = toError(error, errorType);
  body.errorType = errorType;
  if (errorType === 'Runtime.UnhandledPromiseRejection') logUnhandled('Unhandled Promise Rejection', unhandledRejectionForLog(error));
  else logUnhandled('Uncaught Exception', error);
  const requestId = currentRequestId;
  const done = requestId
    ? flushLogs().then(() => request('POST', paths.error(requestId), errorJson(body), { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': errorType }))
    : flushLogs();
  done.finally(() => process.exit(128));
}

main().catch((error) => {
  process.stderr.write = () => true;
  fs.writeSync(2, `faasbox runtime shim failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
