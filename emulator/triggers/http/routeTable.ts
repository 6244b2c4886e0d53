import type { FunctionSpec, HttpRoute, UnservedRoute } from "../../project/spec";
import { apiBasePath, mountedPath } from "./apiMount";

export interface RouteEntry {
  fn: FunctionSpec;
  route: HttpRoute;
}

export type RouteMatch =
  | { kind: "found"; entry: RouteEntry; pathParameters: Record<string, string> }
  /** A route an API declares whose integration no function answers (a mock, an HTTP proxy): never another route's. */
  | { kind: "unsupported"; unserved: UnservedRoute }
  /** The path is a route's, the method none of its: `routes` are those whose path matched. */
  | { kind: "method-not-allowed"; allowed: string[]; routes: HttpRoute[] }
  | { kind: "not-found" }
  /** A path segment whose percent-encoding is broken (`%E0%A4%A`, a lone `%`): no route can read it. */
  | { kind: "malformed"; segment: string };

type Segment = { literal: string } | { param: string } | { greedy: string };

interface CompiledRoute {
  /** Absent for an unserved route. */
  fn?: FunctionSpec;
  route: HttpRoute;
  unserved?: UnservedRoute;
  /** Where the route is served (its API's stage first, see apiMount.ts); a catch-all: the stage alone. */
  segments: Segment[];
  /** Literal segments first, then parameters, then greedy: API gateways prefer the most specific route. */
  rank: number[];
  /** Takes every path under it too (an SCF API gateway path that is a plain string, see prefixRoute). */
  prefix: boolean;
}

/**
 * Tencent's API gateway matches a path that is a plain string (no `{parameter}`) as a prefix, the
 * longest first, after paths with parameters: "If the API path is a normal string, the longest
 * string has the highest priority", and a request for /product/apigw/document hits the API whose
 * path is /product/ (https://www.tencentcloud.com/document/product/628/11939). So a web function
 * on `/` gets every request. The page speaks of strings; Faasbox matches whole segments (`/app`
 * takes /app/x, not /application), on which the page is silent.
 */
function prefixRoute(fn: FunctionSpec | undefined, route: HttpRoute, segments: Segment[]): boolean {
  return fn?.dialect === "scf" && !route.catchAll && segments.every((segment) => "literal" in segment);
}

function compile(path: string): Segment[] {
  return path.split("/").filter(Boolean).map((part): Segment => {
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy) return { greedy: greedy[1] };
    const param = /^\{(\w+)\}$/.exec(part);
    if (param) return { param: param[1] };
    return { literal: part };
  });
}

function rankOf(segments: Segment[]): number[] {
  return segments.map((s) => ("literal" in s ? 0 : "param" in s ? 1 : 2));
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1;
    const y = b[i] ?? -1;
    if (x !== y) return x - y;
  }
  return 0;
}

/** The HTTP routes of every function, matched the way API gateways match them. */
export class RouteTable {
  private readonly routes: CompiledRoute[];

  constructor(functions: FunctionSpec[], unserved: readonly UnservedRoute[] = []) {
    const served = functions.flatMap((fn) => fn.triggers.filter((t): t is HttpRoute => t.kind === "http").map((route): Omit<CompiledRoute, "segments" | "rank" | "prefix"> => ({ fn, route })));
    const others = unserved.map((u): Omit<CompiledRoute, "segments" | "rank" | "prefix"> => ({ route: u.route, unserved: u }));
    this.routes = [...served, ...others]
      .map((r) => ({ ...r, segments: compile(r.route.catchAll ? apiBasePath(r.route.api) : mountedPath(r.route)) }))
      .map((r) => ({ ...r, prefix: prefixRoute(r.fn, r.route, r.segments) }))
      // `$default` ranks after every declared route, greedy ones included; SCF's prefixes after
      // exact and parameter paths, the longest first.
      .map((r) => ({ ...r, rank: r.route.catchAll ? [3] : r.prefix ? [2.5, -r.segments.length] : rankOf(r.segments) }))
      .sort((a, b) => compareRank(a.rank, b.rank));
  }

  /** The routes functions answer. */
  entries(): RouteEntry[] {
    return this.routes.flatMap(({ fn, route }) => (fn ? [{ fn, route }] : []));
  }

  /** The routes no function answers (see UnservedRoute). */
  unserved(): UnservedRoute[] {
    return this.routes.flatMap(({ unserved }) => (unserved ? [unserved] : []));
  }

  /**
   * Every route whose path matches, whatever its method, most specific first: the API
   * resource a request lands on (its API, its CORS configuration, its methods).
   */
  routesAt(path: string): RouteEntry[] {
    const parts = path.split("/").filter(Boolean).map((segment) => decodePathSegment(segment) ?? segment);
    return this.routes.flatMap(({ fn, route, segments, prefix }) => {
      const matches = route.catchAll || prefix ? startsWith(segments, parts) : matchSegments(segments, parts);
      return fn && matches ? [{ fn, route }] : [];
    });
  }

  match(method: string, path: string): RouteMatch {
    const parts: string[] = [];
    for (const segment of path.split("/").filter(Boolean)) {
      const decoded = decodePathSegment(segment);
      if (decoded === undefined) return { kind: "malformed", segment };
      parts.push(decoded);
    }
    const allowed = new Set<string>();
    const samePath: HttpRoute[] = [];
    for (const candidate of this.routes) {
      const pathParameters = candidate.route.catchAll || candidate.prefix ? startsWith(candidate.segments, parts) : matchSegments(candidate.segments, parts);
      if (!pathParameters) continue;
      // HEAD only where a route declares it or ANY: API Gateway matches a route's method
      // exactly, ANY aside, and has no implicit HEAD for GET (docs on routes:
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
      if (candidate.route.method === "ANY" || candidate.route.method === method) {
        if (candidate.unserved) return { kind: "unsupported", unserved: candidate.unserved };
        if (candidate.fn) return { kind: "found", entry: { fn: candidate.fn, route: candidate.route }, pathParameters };
      }
      allowed.add(candidate.route.method);
      samePath.push(candidate.route);
    }
    return allowed.size ? { kind: "method-not-allowed", allowed: [...allowed], routes: samePath } : { kind: "not-found" };
  }
}

/** A catch-all takes every path under its stage (all of them on `$default`), without path parameters. */
function startsWith(prefix: Segment[], parts: string[]): Record<string, string> | undefined {
  return prefix.every((segment, i) => "literal" in segment && segment.literal === parts[i]) ? {} : undefined;
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if ("greedy" in segment) {
      if (i >= parts.length) return undefined; // {proxy+} needs at least one segment
      params[segment.greedy] = parts.slice(i).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if ("literal" in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      params[segment.param] = part;
    }
  }
  return segments.length === parts.length ? params : undefined;
}

/**
 * A path segment with its percent-encoding decoded, or undefined when the encoding is broken
 * (an incomplete escape, bytes that are not UTF-8). The clouds' documentation does not say what
 * API gateways answer then: not API Gateway's page on path variables
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-http.html),
 * not SCF's API gateway trigger (https://www.tencentcloud.com/document/product/583/12513). The
 * gateway answers 400 Bad Request rather than guess a decoding or hand the function raw bytes.
 */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
