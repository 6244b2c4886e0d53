'use strict';
// Lambda response streaming for Faasbox's Node.js shim: the `awslambda` global the Lambda
// Node.js runtime gives every function, and the writable stream a streaming handler writes to.
// https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html: a handler wrapped in
// awslambda.streamifyResponse() is called as (event, responseStream, context), responseStream a
// Node.js writable stream. What the guide leaves out follows AWS's runtime interface client
// (https://github.com/aws/aws-lambda-nodejs-runtime-interface-client, src/UserFunction.js,
// src/ResponseStream.js, src/HttpResponseStream.js, src/Runtime.js), named where it matters.

const http = require('node:http');
const { Writable } = require('node:stream');

/** The mark streamifyResponse puts on a handler (the client's HANDLER_STREAMING). */
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

// The Runtime API's streaming mode: a chunked POST to /response with this header; an error after
// the first byte travels in the declared trailers, its body base64 JSON
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming).
// X-Faasbox-Memory-Kb is Faasbox's own trailer: the instance's peak memory once the stream ends.
const TRAILERS = ['Lambda-Runtime-Function-Error-Type', 'Lambda-Runtime-Function-Error-Body', 'X-Faasbox-Memory-Kb'];
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_DELIMITER = new Uint8Array(8);

/**
 * HttpResponseStream.from(stream, {statusCode, headers, cookies}): the stream's content type becomes
 * the http-integration-response type and its first bytes the JSON prelude, then 8 NUL bytes
 * (src/HttpResponseStream.js of the client). The prelude is written before the first write; Faasbox
 * also writes it when the handler ends the stream without writing (the client writes nothing then),
 * so a status-only answer (a 204, a redirect) keeps its status.
 */
class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType(PRELUDE_CONTENT_TYPE);
    const metadata = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(PRELUDE_DELIMITER);
    };
    return underlyingStream;
  }
}

/**
 * The `awslambda` global of Lambda's Node.js runtimes, set before the handler's module loads
 * (src/UserFunction.js, _loadUserApp), unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is set as there.
 */
function installAwsLambdaGlobal(env) {
  if (env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === 'true' || env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === '1') return;
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[STREAMING] = STREAM_RESPONSE;
      if (options && typeof options.highWaterMark === 'number') handler[HIGH_WATER_MARK] = Math.trunc(options.highWaterMark);
      return handler;
    },
    HttpResponseStream,
  };
}

function isStreamingHandler(handler) {
  return Boolean(handler) && handler[STREAMING] === STREAM_RESPONSE;
}

/**
 * The handler's responseStream: each write goes out as a chunk of one POST to the runtime API as it
 * happens. `fail(error)` ends the POST with the error trailers; `done` resolves with the runtime
 * API's status once the POST is answered.
 */
class ResponseStream extends Writable {
  /**
   * `socketPath`, when set, is the emulator's Unix socket for the runtime API (host and port then only
   * name the Host header). `beforeEnd()` runs before the POST ends (the shim flushes the request's log lines); `memoryKb()`
   * is the peak so far; `shapeError(error)` gives an error's {body, type} as the runtime API takes them.
   */
  constructor({ host, port, socketPath, path, highWaterMark, beforeEnd, memoryKb, shapeError }) {
    super(highWaterMark ? { highWaterMark } : {});
    this._shapeError = shapeError;
    this._contentType = DEFAULT_CONTENT_TYPE;
    this._written = false;
    this._started = false;
    this._failure = undefined;
    this._beforeEnd = beforeEnd;
    this._memoryKb = memoryKb;
    this._onBeforeFirstWrite = undefined;
    // agent: false: a connection of its own, closed once the response is written, as the guide asks;
    // the shim's kept-alive sockets stay free for its log lines meanwhile.
    this._request = http.request({
      host, port, socketPath, path, method: 'POST', agent: false,
      headers: { 'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Transfer-Encoding': 'chunked', Trailer: TRAILERS.join(', ') },
    });
    this.done = new Promise((resolve) => {
      this._request.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      // The emulator went away or cut the stream (a timeout): nothing more can be said.
      this._request.on('error', () => resolve(0));
    });
  }

  /** As the client's: only before the first write (src/ResponseStream.js, "Cannot set content-type, too late."). */
  setContentType(contentType) {
    if (this._written) throw Object.assign(new Error('Cannot set content-type, too late.'), { name: 'Runtime.InvalidStreamingOperation' });
    this._contentType = String(contentType);
  }

  write(chunk, encoding, callback) {
    // The client sends what is neither text nor bytes as JSON.
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) chunk = JSON.stringify(chunk);
    this._written = true;
    return super.write(chunk, encoding, callback);
  }

  end(chunk, encoding, callback) {
    // Writable's end(chunk) writes without calling write(): a content type set afterwards is too late too.
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) chunk = JSON.stringify(chunk);
      this._written = true;
    }
    return super.end(chunk, encoding, callback);
  }

  /** Fails the invocation after whatever was written: the error goes in the trailers. */
  fail(error) {
    if (this._requestEnded) return;
    this._failure = error;
    if (!this.writableEnded) this.end();
  }

  /** Sends the POST's head (with the content type) and the prelude, before the first bytes of the body. */
  _start() {
    if (this._started) return;
    this._started = true;
    this._written = true;
    this._request.setHeader('Content-Type', this._contentType);
    if (typeof this._onBeforeFirstWrite === 'function') this._onBeforeFirstWrite((bytes) => this._request.write(bytes));
  }

  _write(chunk, encoding, callback) {
    this._start();
    this._request.write(chunk, encoding, callback);
  }

  _final(callback) {
    this._start();
    this._endRequest().then(() => callback(), callback);
  }

  _destroy(error, callback) {
    // A pipeline whose source failed destroys its destination with the error: it is the invocation's.
    if (!this._requestEnded) {
      if (error && !this._failure) this._failure = error;
      this._start();
      void this._endRequest();
    }
    callback(error);
  }

  async _endRequest() {
    if (this._requestEnded) return;
    this._requestEnded = true;
    // The request's log lines reach the emulator before its END line does.
    await this._beforeEnd();
    const trailers = { 'X-Faasbox-Memory-Kb': String(this._memoryKb()) };
    if (this._failure !== undefined) {
      const { body, type } = this._shapeError(this._failure);
      trailers['Lambda-Runtime-Function-Error-Type'] = type;
      trailers['Lambda-Runtime-Function-Error-Body'] = Buffer.from(body).toString('base64');
    }
    this._request.addTrailers(trailers);
    await new Promise((resolve) => this._request.end(resolve));
  }
}

module.exports = { installAwsLambdaGlobal, isStreamingHandler, ResponseStream, HIGH_WATER_MARK };
