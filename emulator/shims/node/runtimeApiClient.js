'use strict';
// A small HTTP/1.1 client for the runtime API: one kept-alive connection, one request at a time,
// each request written in one piece and each response parsed in place. Node's http module costs
// the shim more CPU per invocation than the whole exchange needs (ClientRequest, Agent,
// IncomingMessage and their streams, profiled in issue 21); an instance runs on a share of a vCPU
// and serves few requests, so that code rarely gets optimised and weighs on every warm invocation.
// Like Python's http.client in the Python shim: plain requests with Content-Length, and responses
// with Content-Length, chunked, or read to the end of the connection.

const net = require('node:net');

const HEADER_END = Buffer.from('\r\n\r\n');
const NO_BODY_STATUS = new Set([204, 304]);

class RuntimeApiConnection {
  /** `socketPath`: the emulator's Unix socket for this instance (FAASBOX_RUNTIME_API_SOCKET), used instead of host:port. */
  constructor(host, port, socketPath) {
    this.host = host;
    this.port = port;
    this.socketPath = socketPath;
    this.hostHeader = `Host: ${host}:${port}\r\n`;
    this.socket = undefined;
    this.queue = [];
    this.current = undefined;
  }

  /** Resolves with { status, headers (lower-case names), body: Buffer }; rejects when the connection fails. */
  request(method, path, body, headers) {
    return new Promise((resolve, reject) => {
      this.queue.push({ method, path, body, headers, resolve, reject, retried: false });
      if (!this.current) this.startNext();
    });
  }

  startNext() {
    const exchange = this.queue.shift();
    this.current = exchange;
    if (!exchange) {
      // Idle: the connection must not keep the process alive, so that 'beforeExit' tells the
      // shim that the handler's work is done (as Node's http.Agent unrefs its free sockets).
      if (this.socket) this.socket.unref();
      return;
    }
    exchange.reused = Boolean(this.socket);
    if (!this.socket) this.connect();
    this.socket.ref();
    exchange.received = null;
    this.socket.write(requestBytes(this.hostHeader, exchange));
  }

  connect() {
    const socket = this.socketPath ? net.connect({ path: this.socketPath }) : net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    socket.on('data', (chunk) => this.onData(socket, chunk));
    socket.on('end', () => this.onClosed(socket, undefined));
    socket.on('error', (error) => this.onClosed(socket, error));
    socket.on('close', () => this.onClosed(socket, undefined));
  }

  onData(socket, chunk) {
    const exchange = this.current;
    if (socket !== this.socket || !exchange) return; // nothing asked: a server's stray bytes are ignored
    exchange.received = exchange.received ? Buffer.concat([exchange.received, chunk]) : chunk;
    const response = parseResponse(exchange.received, false);
    if (response) this.finish(socket, exchange, response);
  }

  onClosed(socket, error) {
    if (socket !== this.socket) return;
    this.socket = undefined;
    socket.destroy();
    const exchange = this.current;
    if (!exchange) return;
    // A response that runs to the end of the connection ends here.
    const response = !error && exchange.received ? parseResponse(exchange.received, true) : undefined;
    if (response) return this.finish(undefined, exchange, response);
    // A kept-alive connection the server closed as the request went out: send it once more on a
    // new one, as Python's shim does (nothing of a response came, so the server did not take it).
    if (exchange.reused && !exchange.retried && !exchange.received) {
      exchange.retried = true;
      this.queue.unshift(exchange);
      this.current = undefined;
      return this.startNext();
    }
    this.current = undefined;
    exchange.reject(error || new Error(`the runtime API closed the connection during ${exchange.method} ${exchange.path}`));
    this.startNext();
  }

  finish(socket, exchange, response) {
    this.current = undefined;
    if (socket && response.headers.connection === 'close') {
      this.socket = undefined;
      socket.destroy();
    }
    exchange.resolve(response);
    this.startNext();
  }
}

/** The request line, headers and body as one buffer: one write, one packet for a small request. */
function requestBytes(hostHeader, { method, path, body, headers }) {
  let head = `${method} ${path} HTTP/1.1\r\n${hostHeader}`;
  if (headers) for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
  if (body === undefined || body === null) return `${head}Content-Length: 0\r\n\r\n`;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  head += `Content-Length: ${bytes.length}\r\n\r\n`;
  return bytes.length ? Buffer.concat([Buffer.from(head, 'latin1'), bytes]) : head;
}

/** A complete response in `data`, or undefined while more is to come; `closed`: the connection ended. */
function parseResponse(data, closed) {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const lines = data.toString('latin1', 0, headerEnd).split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) continue;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const bodyStart = headerEnd + HEADER_END.length;
  if (NO_BODY_STATUS.has(status) || (status >= 100 && status < 200)) return { status, headers, body: Buffer.alloc(0) };
  if (headers['content-length'] !== undefined) {
    const end = bodyStart + Number(headers['content-length']);
    return data.length >= end ? { status, headers, body: data.subarray(bodyStart, end) } : undefined;
  }
  if (/\bchunked\b/i.test(headers['transfer-encoding'] || '')) {
    const body = dechunked(data, bodyStart);
    return body ? { status, headers, body } : undefined;
  }
  return closed ? { status, headers, body: data.subarray(bodyStart) } : undefined;
}

/** A chunked body once its last chunk (and the trailers' end) came, else undefined. */
function dechunked(data, start) {
  const pieces = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    if (size === 0) return data.indexOf(HEADER_END, lineEnd) >= 0 ? Buffer.concat(pieces) : undefined; // the trailers' end
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    pieces.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

module.exports = { RuntimeApiConnection, parseResponse };
