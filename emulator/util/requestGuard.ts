import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";

/**
 * What keeps web pages in the user's browser away from Faasbox's listeners (the HTTP
 * gateway, the Lambda Invoke API, the control API). They listen on 127.0.0.1 without
 * credentials (the control API has a token), and any page the user opens can send
 * requests to 127.0.0.1. Two attacks, two rules, as vite and Jupyter apply them:
 *
 * 1. DNS rebinding. A page on http://attacker.example:3001 makes its name resolve to
 *    127.0.0.1; the browser then treats the emulator as that page's own origin and lets
 *    it read every answer. The browser still sends `Host: attacker.example:3001`, so
 *    every listener accepts only Host names a page cannot rebind (`hostRefusal`).
 *
 * 2. Cross-site requests. Without rebinding, a page cannot read the answers, but it can
 *    still send a POST (an HTML form, `fetch(…, {mode: "no-cors"})`): enough to run a
 *    function or publish a message. The Invoke API and the gateway's /_faasbox/
 *    endpoints refuse requests that a browser marks as coming from another origin
 *    (`crossSiteRefusal`). The user's own function routes keep API Gateway's behaviour
 *    (any Origin, CORS as configured): only the Host rule applies to them.
 *
 * Why refuse by the browser's own headers rather than require a "non-simple" request
 * (a JSON content type or a custom header that a form cannot send): the AWS CLI v2
 * sends Invoke with no Content-Type at all, and documented plain clients send simple
 * requests: `curl -d 'msg' …/_faasbox/topics/T` (application/x-www-form-urlencoded)
 * and an unsigned `fetch` of the Invoke API (text/plain). Browsers, on the other hand,
 * always mark what a page sends: `Origin` on every cross-origin POST (forms and no-cors
 * fetches included), and `Sec-Fetch-Site` on every request to a potentially trustworthy
 * URL, which http://127.0.0.1 and http://localhost are. Node clients, curl, the AWS CLI
 * and the SDKs send neither (Node's fetch sends only Sec-Fetch-Mode). So a request that
 * carries neither header is not a page's, and one that carries them is checked.
 */

/** What a refused request is answered with; each listener wraps it in its own shape. */
export interface Refusal {
  status: 403;
  message: string;
}

/** Which Host names a listener accepts. */
export interface HostRule {
  /** The address the listener is bound to (default 127.0.0.1). */
  bindHost?: string;
  /** Names the user allowed (`faasbox start --allowed-host NAME`), already checked by parseAllowedHost. */
  allowedHosts?: readonly string[];
}

/**
 * Names accepted besides loopback ones. Docker Desktop's name for the host, which a
 * function in a container uses to call back into the emulator. It cannot be rebound by
 * a page: `.internal` is reserved for private use and never delegated in public DNS.
 */
const BUILT_IN_NAMES = ["host.docker.internal"];

/** A Host header: a name or IPv4 address, or a bracketed IPv6 address; then an optional port. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9_.~-]+)(?::(\d{1,5}))?$/i;

/**
 * The request's Host is one this listener answers to, or the refusal. A request without
 * Host (HTTP/1.0; Node refuses HTTP/1.1 without one) is not a browser's: it passes.
 */
const PLAIN_LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/;

export function hostRefusal(hostHeader: string | undefined, rule: HostRule = {}): Refusal | undefined {
  if (hostHeader === undefined) return undefined;
  // The usual Host, a loopback name written plainly, is accepted without parsing it as a URL (which
  // showed in the warm path's profile, issue 21); the same names pass the full check below.
  const plain = PLAIN_LOOPBACK_HOST.exec(hostHeader);
  if (plain && (plain[1] === undefined || Number(plain[1]) <= 65535)) return undefined;
  const name = hostNameOf(hostHeader);
  if (name !== undefined && hostAccepted(name, rule)) return undefined;
  const shown = JSON.stringify(hostHeader.slice(0, 200));
  const bind = normalizeName(rule.bindHost ?? "127.0.0.1");
  const accepted = ["127.0.0.1", "localhost", "[::1]", "*.localhost"];
  if (bind !== undefined && !isLoopbackName(bind)) accepted.push(isWildcard(bind) ? "any IP address" : displayName(bind));
  accepted.push(...(rule.allowedHosts ?? []).map(displayName));
  const advice = `If you reach Faasbox by this name on purpose, start it with \`faasbox start --allowed-host ${name ?? "NAME"}\`.`;
  return {
    status: 403,
    message:
      `Faasbox refused this request: Host ${shown} is not a name of this emulator. It answers to ${accepted.join(", ")} (any port), ` +
      `so that a web page cannot reach it through a DNS name made to point at 127.0.0.1 (DNS rebinding). ${advice}`,
  };
}

/** What the refused endpoint does, for the refusal's message. */
export interface GuardedEndpoint {
  /** "the Lambda Invoke API" */
  name: string;
  /** "run your functions" */
  effect: string;
}

/**
 * Refuses a request that a browser sent on behalf of a page of another origin (even
 * another port of 127.0.0.1). Checked after hostRefusal, so the Host it compares the
 * Origin with is one of the emulator's own names and not a rebound one.
 */
export function crossSiteRefusal(headers: IncomingHttpHeaders, endpoint: GuardedEndpoint): Refusal | undefined {
  const origin = single(headers.origin);
  const site = single(headers["sec-fetch-site"])?.trim().toLowerCase();
  // "same-origin": the page is the emulator's own; "none": the user typed the URL or
  // followed a bookmark. "same-site" is another port or subdomain, "cross-site" any other page.
  const siteRefused = site !== undefined && site !== "same-origin" && site !== "none";
  const originRefused = origin !== undefined && !sameOrigin(origin, single(headers.host));
  if (!siteRefused && !originRefused) return undefined;
  const seen = [origin !== undefined && `Origin: ${origin.slice(0, 200)}`, site !== undefined && `Sec-Fetch-Site: ${site.slice(0, 40)}`].filter(Boolean).join(", ");
  return {
    status: 403,
    message:
      `Faasbox refused a request from a web page (${seen}): ${endpoint.name} takes requests from tools (the AWS CLI and SDKs, curl, the faasbox CLI), ` +
      `not from pages open in a browser, so that a page you visit cannot ${endpoint.effect}. Send it from a script or a server instead; ` +
      "a page may call your functions' own HTTP routes on the gateway, which accept any origin with CORS as configured.",
  };
}

/**
 * Checks one name given to `--allowed-host`: a host name or IP address, without scheme
 * or port; a leading dot (or `*.`) allows the domain and all its subdomains.
 */
export function parseAllowedHost(value: string): string {
  const text = value.trim().toLowerCase();
  const subdomains = text.startsWith(".") || text.startsWith("*.");
  const rest = text.replace(/^\*?\./, "");
  const bare = isIP(rest) === 6 || (HOST_HEADER.test(rest) && !/:\d+$/.test(rest.replace(/^\[.*\]/, "")));
  const name = bare ? normalizeName(rest) : undefined;
  if (name === undefined || name === "") {
    throw new Error(`"${value}" is not a host name: give a name or address without scheme or port, e.g. myapp.test, 192.168.1.20 or .example.test (a domain and its subdomains)`);
  }
  return subdomains ? `.${name}` : name;
}

/** The host name of a Host header, canonical (lower case, IPv6 without brackets), or undefined when malformed. */
export function hostNameOf(hostHeader: string): string | undefined {
  const match = HOST_HEADER.exec(hostHeader.trim());
  if (!match || (match[2] !== undefined && Number(match[2]) > 65535)) return undefined;
  return normalizeName(match[1]);
}

function hostAccepted(name: string, rule: HostRule): boolean {
  if (isLoopbackName(name) || BUILT_IN_NAMES.includes(name)) return true;
  const bind = normalizeName(rule.bindHost ?? "127.0.0.1");
  // Bound elsewhere on purpose (`--host`): the bound address must work, or the user who
  // asked for it is locked out. Bound to every interface, the emulator is reached by any
  // of the machine's addresses (LAN, VPN, Docker bridge), which cannot be listed once
  // and for all. Every IP address is accepted then: a Host that is an IP address cannot
  // be rebound (the page's origin is then that address itself), only names can.
  if (bind !== undefined && (bind === name || (isWildcard(bind) && isIP(name) !== 0))) return true;
  for (const given of rule.allowedHosts ?? []) {
    // As parseAllowedHost writes them, even when a caller of the API passed them unchecked.
    const allowed = given.trim().toLowerCase().replace(/^\*\./, ".").replace(/\.$/, "").replace(/^\[(.*)\]$/, "$1");
    if (allowed.startsWith(".") ? name === allowed.slice(1) || name.endsWith(allowed) : name === allowed) return true;
  }
  return false;
}

/**
 * Names that always mean this machine. Browsers resolve localhost and *.localhost to
 * loopback themselves (RFC 6761), so a page cannot rebind them.
 */
function isLoopbackName(name: string): boolean {
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIP(name) === 4) return name.startsWith("127.");
  // ::1, or an IPv4-mapped 127.x.x.x (the URL parser writes it as ::ffff:7fxx:xxxx).
  if (isIP(name) === 6) return name === "::1" || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(name);
  return false;
}

function isWildcard(name: string): boolean {
  return name === "0.0.0.0" || name === "::";
}

/**
 * Canonical as a browser writes it in Host: through the URL parser (lower case, IPv4 in
 * any notation such as 0x7f.1 as dotted decimal, IPv6 zeros compressed), without the
 * trailing dot of a fully qualified name, IPv6 without brackets.
 */
function normalizeName(name: string): string | undefined {
  const bracketed = isIP(name) === 6 ? `[${name}]` : name;
  try {
    const hostname = new URL(`http://${bracketed}/`).hostname.replace(/\.$/, "");
    return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  } catch {
    return undefined;
  }
}

function displayName(name: string): string {
  return isIP(name.replace(/^\./, "")) === 6 ? `[${name}]` : name.startsWith(".") ? `*${name}` : name;
}

/** The page's origin is the listener's own: http:// and the Host it was reached by. */
function sameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined || origin === "null") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" || url.origin !== origin.trim().toLowerCase().replace(/\/$/, "")) return false;
  let own: URL;
  try {
    own = new URL(`http://${hostHeader.trim()}/`);
  } catch {
    return false;
  }
  return url.host === own.host;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
