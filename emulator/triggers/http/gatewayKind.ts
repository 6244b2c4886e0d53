import type { HttpRoute } from "../../project/spec";

/** Which gateway's rules a route follows: an AWS REST API, an AWS HTTP API, or SCF's API gateway. */
export type GatewayKind = "rest" | "http" | "scf";

/**
 * The route's API decides; a route without one (faasbox.yml, SAM events without API resources)
 * follows its payload: 1.0 is what REST APIs send, 2.0 exists only in HTTP APIs. An HTTP API
 * route with payload 1.0 carries api.kind "http", so it is known apart from a REST route.
 */
export function gatewayKind(route: HttpRoute): GatewayKind {
  if (route.api) return route.api.kind;
  switch (route.payload) {
    case "aws-v1":
      return "rest";
    case "aws-v2":
      return "http";
    case "scf":
      return "scf";
  }
}
