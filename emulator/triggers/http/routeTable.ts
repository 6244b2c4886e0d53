import type { FunctionSpec, HttpRoute } from "../../project/spec";

export interface RouteEntry {
  fn: FunctionSpec;
  route: HttpRoute;
}

export type RouteMatch =
  | { kind: "found"; entry: RouteEntry; pathParameters: Record<string, string> }
  /** The path is a route's, the method none of its: `routes` are those whose path matched. */
  | { kind: "method-not-allowed"; allowed: string[]; routes: HttpRoute[] }
  | { kind: "not-found" }
  /** A path segment whose percent-encoding is broken (`%E0%A4%A`, a lone `%`): no route can read it. */
  | { kind: "malformed"; segment: string };

type Segment = { literal: string } | { param: string } | { greedy: string };

interface CompiledRoute extends RouteEntry {
  segments: Segment[];
  /** Literal segments first, then parameters, then greedy: API gateways prefer the most specific route. */
  rank: number[];
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

  constructor(functions: FunctionSpec[]) {
    this.routes = functions
      .flatMap((fn) => fn.triggers.filter((t): t is HttpRoute => t.kind === "http").map((route) => ({ fn, route, segments: compile(route.path), rank: [] as number[] })))
      // `$default` ranks after every declared route, greedy ones included.
      .map((r) => ({ ...r, rank: r.route.catchAll ? [3] : rankOf(r.segments) }))
      .sort((a, b) => compareRank(a.rank, b.rank));
  }

  entries(): RouteEntry[] {
    return this.routes.map(({ fn, route }) => ({ fn, route }));
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
      const pathParameters = candidate.route.catchAll ? {} : matchSegments(candidate.segments, parts);
      if (!pathParameters) continue;
      // HEAD only where a route declares it or ANY: API Gateway matches a route's method
      // exactly, ANY aside, and has no implicit HEAD for GET (docs on routes:
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
      if (candidate.route.method === "ANY" || candidate.route.method === method) {
        return { kind: "found", entry: candidate, pathParameters };
      }
      allowed.add(candidate.route.method);
      samePath.push(candidate.route);
    }
    return allowed.size ? { kind: "method-not-allowed", allowed: [...allowed], routes: samePath } : { kind: "not-found" };
  }
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
