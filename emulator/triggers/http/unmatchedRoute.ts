import type { HttpRoute } from "../../project/spec";
import { routeNotFound } from "./gatewayErrors";
import { gatewayKind } from "./gatewayKind";
import type { GatewayResponse } from "./gatewayResponse";

/**
 * What the client gets when no route takes its method and path, in the rules of the API it
 * reached (see routeNotFound). `samePath` are the routes whose path matched but whose method did
 * not; `all` every route the gateway serves.
 *
 * A known path with another method belongs to that path's API. An unknown path belongs to
 * whichever API the project has; a project with both REST and HTTP APIs gets the HTTP API's 404
 * (Faasbox's choice: nothing on the wire says which API the client meant, and 404 is the answer a
 * client reads correctly). A project with only SCF routes, or none, keeps Faasbox's 404 that
 * lists the routes: undefined is returned and the gateway answers that itself.
 */
export function unmatchedRoute(method: string, path: string, samePath: readonly HttpRoute[], all: readonly HttpRoute[]): GatewayResponse | undefined {
  const kinds = new Set((samePath.length ? samePath : all).map(gatewayKind));
  const kind = kinds.has("http") ? "http" : kinds.has("rest") ? "rest" : undefined;
  if (!kind) return undefined;
  const why = samePath.length
    ? `no route takes ${method} ${path}; its routes take ${[...new Set(samePath.map((r) => r.method))].join(", ")}`
    : `no route matches ${method} ${path}`;
  return routeNotFound(kind, why);
}
