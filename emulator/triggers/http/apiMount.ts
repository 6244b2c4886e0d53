import type { ApiContext, HttpRoute } from "../../protocol";

/**
 * Where an API's routes are served on the local gateway: under the path its cloud URL has
 * after the host. A REST API is invoked at `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/path`
 * (StageName "is the first path segment in the invoke URI":
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html#sam-api-stagename,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html); an HTTP API's
 * `$default` stage is "served from the base of your API's URL" and a named stage under `/{stage}`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html). So the URL a
 * front end uses differs from the cloud's in its origin only, and two APIs with different stages
 * and the same paths do not collide. Routes without an API (faasbox.yml, SCF) are at the root.
 */
export function apiBasePath(api: ApiContext | undefined): string {
  if (!api || api.kind === "scf") return "";
  if (api.kind === "http" && api.stage === "$default") return "";
  return `/${api.stage}`;
}

/** The path a route is requested at locally (see apiBasePath). */
export function mountedPath(route: HttpRoute): string {
  const base = apiBasePath(route.api);
  if (!base) return route.path;
  return route.path === "/" ? base : `${base}${route.path}`;
}

/**
 * A REST API's event `path` is the request path without the stage (the stage is in
 * `requestContext.path` and `requestContext.stage`), as the execute-api endpoint gives it. AWS's
 * pages show both fields without saying this; it is what deployed APIs send, e.g.
 * https://gist.github.com/GREsau/444c7d4d0bb9e8c82dd1a585931028bd. HTTP APIs keep the stage in
 * `rawPath` and `requestContext.http.path` (a named stage: see aws-lambda-rust-runtime's
 * https://github.com/aws/aws-lambda-rust-runtime/pull/669, "APIGW HTTP has started adding the stage
 * to the path in the event"; AWS's pages are silent on it).
 */
export function pathWithoutStage(api: ApiContext | undefined, path: string): string {
  const base = apiBasePath(api);
  if (!base || !path.startsWith(base)) return path;
  const rest = path.slice(base.length);
  if (rest === "") return "/";
  return rest.startsWith("/") ? rest : path;
}
