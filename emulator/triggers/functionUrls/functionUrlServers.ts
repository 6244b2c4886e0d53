// Every function URL of the project, each served at the root of its own 127.0.0.1 port as the
// cloud serves it at the root of its own host (https://<url-id>.lambda-url.<region>.on.aws/any/path),
// and also by name on the HTTP gateway's port (Host: NAME.lambda-url.localhost).
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { FunctionUrlInfo, FunctionUrlTrigger } from "../../protocol";
import type { FunctionSpec } from "../../project/spec";
import { listenWithFallback } from "../../util/listen";
import { hostRefusal } from "../../util/requestGuard";
import { serveFunctionUrl, type FunctionUrlTarget } from "./serveFunctionUrl";
import { NodeSha256 } from "./sigv4Check";
import { URL_PORTS_FILE, UrlPorts } from "./urlPorts";

export interface FunctionUrlServersTarget extends FunctionUrlTarget {
  functions(): FunctionSpec[];
}

export interface FunctionUrlServersOptions {
  root: string;
  /** Address to bind: loopback unless the user bound the emulator elsewhere on purpose. */
  host?: string;
  /** Host names accepted besides loopback ones (--allowed-host). */
  allowedHosts?: readonly string[];
}

/** The suffix of the gateway's virtual host names: NAME.lambda-url.localhost[:PORT]. */
const VIRTUAL_HOST = /^([^.]+)\.lambda-url\.localhost\.?(?::\d+)?$/i;

export function functionUrlOf(fn: FunctionSpec): FunctionUrlTrigger | undefined {
  return fn.triggers.find((t): t is FunctionUrlTrigger => t.kind === "url");
}

export class FunctionUrlServers {
  private readonly servers = new Map<string, { server: Server; port: number }>();
  private readonly ports: UrlPorts;
  /** Said once each: a remembered port that was taken. */
  readonly warnings: string[] = [];
  private gatewayPort?: number;
  private updating: Promise<void> = Promise.resolve();
  /** Once closed, a late reload starts nothing. */
  private closed = false;

  constructor(private readonly target: FunctionUrlServersTarget, private readonly options: FunctionUrlServersOptions) {
    this.ports = new UrlPorts(options.root);
  }

  /** The gateway's port, for the NAME.lambda-url.localhost URLs listed. */
  setGatewayPort(port: number): void {
    this.gatewayPort = port;
  }

  /** Starts a listener for each new function URL and stops those of functions that lost theirs. */
  update(): Promise<void> {
    this.updating = this.updating.then(() => this.reconcile());
    return this.updating;
  }

  private async reconcile(): Promise<void> {
    if (this.closed) return;
    const wanted = new Set(this.target.functions().filter((fn) => functionUrlOf(fn)).map((fn) => fn.name));
    for (const [name, { server }] of this.servers) {
      if (wanted.has(name)) continue;
      this.servers.delete(name);
      await closeServer(server);
    }
    for (const name of wanted) {
      if (!this.servers.has(name)) await this.start(name);
    }
  }

  private async start(name: string): Promise<void> {
    const server = createServer((request, response) => void this.handle(name, request, response));
    server.keepAliveTimeout = 65_000;
    const remembered = this.ports.get(name);
    const host = this.options.host ?? "127.0.0.1";
    const listening = await listenWithFallback(server, remembered ?? 0, host, true, `function URL of ${name}`, URL_PORT_HINT);
    if (listening.busyPort) this.warnings.push(`port ${listening.busyPort} remembered for the function URL of ${name} is in use: it answers on ${listening.port} now (${URL_PORT_HINT})`);
    this.ports.remember(name, listening.port);
    this.servers.set(name, { server, port: listening.port });
  }

  private handle(name: string, request: IncomingMessage, response: ServerResponse): Promise<void> | void {
    const refusal = hostRefusal(request.headers.host, { bindHost: this.options.host, allowedHosts: this.options.allowedHosts });
    if (refusal) return void response.writeHead(refusal.status, { "content-type": "application/json" }).end(JSON.stringify({ message: refusal.message }));
    return this.serve(name, request, response);
  }

  /** Serves the request as the URL of `name`, whatever listener it came by; 404 once the function has no URL any more. */
  private serve(name: string, request: IncomingMessage, response: ServerResponse): Promise<void> | void {
    const fn = this.target.functions().find((f) => f.name === name);
    const url = fn && functionUrlOf(fn);
    if (!fn || !url) return void response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: `Function ${name} has no function URL (any more)` }));
    return serveFunctionUrl(request, response, fn, url, this.target);
  }

  /**
   * For the gateway: a request whose Host is NAME.lambda-url.localhost is served as that
   * function's URL. Undefined for other hosts. The name matches case-insensitively (host names do).
   */
  byHost(hostHeader: string | undefined): ((request: IncomingMessage, response: ServerResponse) => void) | undefined {
    const label = VIRTUAL_HOST.exec(hostHeader ?? "")?.[1]?.toLowerCase();
    if (label === undefined) return undefined;
    const fn = this.target.functions().find((f) => f.name.toLowerCase() === label && functionUrlOf(f));
    if (!fn) return (_request, response) => void response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: `No function URL named ${label}: the URLs here are ${this.list().map((u) => u.function).join(", ") || "none"}` }));
    return (request, response) => void this.serve(fn.name, request, response);
  }

  list(): FunctionUrlInfo[] {
    const host = this.options.host ?? "127.0.0.1";
    return this.target.functions().flatMap((fn) => {
      const url = functionUrlOf(fn);
      const served = this.servers.get(fn.name);
      if (!url || !served) return [];
      const hostUrl = this.gatewayPort === undefined ? {} : { hostUrl: `http://${fn.name.toLowerCase()}.lambda-url.localhost:${this.gatewayPort}/` };
      return [{ function: fn.name, url: `http://${host}:${served.port}/`, ...hostUrl, authType: url.authType, invokeMode: url.invokeMode }];
    });
  }

  /** Run now: a sample GET to the function's URL, signed with the local keys when its AuthType is AWS_IAM. */
  async call(name: string): Promise<{ sent: string; status: number; body: string }> {
    const fn = this.target.functions().find((f) => f.name === name);
    const url = fn && functionUrlOf(fn);
    const served = this.servers.get(name);
    if (!fn || !url || !served) throw new Error(`${name} has no function URL listening`);
    const host = `127.0.0.1:${served.port}`;
    const path = "/";
    const query = { name: "faasbox" };
    let headers: Record<string, string> = { host };
    if (url.authType === "AWS_IAM") {
      const credentials = this.target.credentials();
      if (!credentials) throw new Error(`the URL of ${name} is AWS_IAM and functions get no AWS credentials here to sign with`);
      const { SignatureV4 } = await import("@smithy/signature-v4"); // loaded when first needed (idle memory)
      const signer = new SignatureV4({ service: "lambda", region: fn.region, sha256: NodeSha256, credentials });
      const signed = await signer.sign({ method: "GET", protocol: "http:", hostname: "127.0.0.1", port: served.port, path, query, headers });
      headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
    }
    const { status, body } = await get(served.port, `${path}?${new URLSearchParams(query).toString()}`, headers);
    return { sent: `GET ${path}?name=faasbox to the function URL answered ${status}${url.authType === "AWS_IAM" ? " (signed with the local keys)" : ""}`, status, body };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.updating.catch(() => undefined);
    const servers = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(servers.map(({ server }) => closeServer(server)));
  }
}

const URL_PORT_HINT = `pin one in ${URL_PORTS_FILE}`;

/** node:http rather than fetch: the signed Host header must go out exactly as signed. */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: "127.0.0.1", port, path, method: "GET", headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    sent.on("error", reject);
    sent.end();
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
