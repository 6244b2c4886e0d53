'use strict';
// Faasbox's Node.js runtime shim. It runs inside the function's container (or as a
// child process), loads the handler named by _HANDLER and serves invocations through
// the runtime API of the function's cloud: the Lambda Runtime API or SCF's
// custom-runtime API. Plain CommonJS with no dependencies: it is mounted read-only
// and must start fast.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

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
// Two sockets: one long-polls /next while the other carries logs and results.
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

function request(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: apiPort, method, path: urlPath, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
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
      await request('POST', '/faasbox/v1/logs', JSON.stringify(batch), { 'Content-Type': 'application/json' });
    } catch {
      // The emulator is gone; nothing useful can be done with the lines.
    }
  }
  logFlight = undefined;
}

function flushLogs() {
  for (const stream of ['stdout', 'stderr']) {
    if (partial[stream]) {
      enqueueLog(stream, partial[stream]);
      partial[stream] = '';
    }
  }
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

function patchConsole() {
  const out = (...args) => enqueueLog('stdout', util.format(...args));
  const err = (...args) => enqueueLog('stderr', util.format(...args));
  console.log = out;
  console.info = out;
  console.debug = out;
  console.warn = err;
  console.error = err;
  console.trace = (...args) => {
    const e = new Error(util.format(...args));
    e.name = 'Trace';
    enqueueLog('stderr', e.stack);
  };
  captureStream('stdout');
  captureStream('stderr');
}

// ---- Errors in the clouds' shape.
function toError(error, fallbackType) {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== 'Error' ? error.name : (error.constructor && error.constructor.name) || fallbackType || 'Error',
      errorMessage: error.message,
      stackTrace: String(error.stack || '').split('\n'),
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
// SCF's context.environment: the function's variables as JSON, fixed at start.
const environmentJson = JSON.stringify(Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('FAASBOX_'))));

function makeContext(headers, requestId) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']) || Date.now() + Number(headers['time_limit_in_ms'] || 3000);
  const getRemainingTimeInMillis = () => Math.max(0, deadline - Date.now());
  const context = {
    // AWS Lambda
    awsRequestId: requestId,
    functionName,
    functionVersion: '$LATEST',
    memoryLimitInMB: String(memoryMb),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'] || `arn:aws:lambda:${env.AWS_REGION || 'us-east-1'}:000000000000:function:${functionName}`,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME || `/aws/lambda/${functionName}`,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME || env.FAASBOX_INSTANCE_ID,
    callbackWaitsForEmptyEventLoop: true,
    // Tencent SCF
    request_id: requestId,
    function_name: functionName,
    function_version: '$LATEST',
    memory_limit_in_mb: memoryMb,
    time_limit_in_ms: Number(headers['time_limit_in_ms']) || Number(env.FAASBOX_TIMEOUT_SEC) * 1000,
    namespace: env.SCF_NAMESPACE || 'default',
    tencentcloud_region: env.TENCENTCLOUD_REGION || env.AWS_REGION,
    tencentcloud_appid: env.TENCENTCLOUD_APPID || '',
    tencentcloud_uin: env.TENCENTCLOUD_UIN || '',
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

/** Async, callback and plain-return handlers all end here as one promise. */
function runHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    context.done = callback;
    context.succeed = (result) => callback(null, result);
    context.fail = (error) => callback(error || new Error('handler failed'));
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (error) {
      callback(error);
      return;
    }
    if (returned && typeof returned.then === 'function') returned.then((r) => callback(null, r), (e) => callback(e === undefined ? new Error('promise rejected with undefined') : e));
    else if (handler.length < 3) callback(null, returned); // SCF's synchronous style
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
  let handler;
  try {
    handler = await loadHandler(env._HANDLER);
  } catch (error) {
    const body = toError(error, error.errorType);
    if (error.errorType) body.errorType = error.errorType;
    await flushLogs();
    await request('POST', paths.initError, errorJson(body), { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': errorTypeHeader(body.errorType) });
    process.exit(1);
  }
  process.on('unhandledRejection', (reason) => fatal('Runtime.UnhandledPromiseRejection', reason));
  process.on('uncaughtException', (error) => fatal('Runtime.UncaughtException', error));
  if (paths.ready) await request('POST', paths.ready, ' ');
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
    let ok = true;
    let value;
    try {
      value = await runHandler(handler, event, makeContext(next.headers, requestId));
    } catch (error) {
      ok = false;
      value = toError(error);
    }
    currentRequestId = undefined;
    next = await postResultAndNext(requestId, ok, value);
    // Anything but an invocation (an emulator refusing the post) must not run as an event.
    while (next.status !== 200) next = await request('GET', paths.next);
  }
}

/** An error outside the handler's promise: report it on the current request, then exit as Lambda does. */
function fatal(errorType, error) {
  const body = toError(error, errorType);
  body.errorType = errorType;
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
