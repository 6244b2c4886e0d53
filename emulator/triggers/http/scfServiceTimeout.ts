import type { HttpRoute } from "../../project/spec";
import type { GatewayResponse } from "./gatewayResponse";
import { headerText } from "./scfResponse";

/**
 * Tencent's API gateway waits for an SCF function only up to the API's backend timeout
 * (serviceTimeout): "API 网关超时时间 < 云函数超时时间: API 网关超时先生效，API 请求响应为5xx HTTP code，
 * 标识请求超时" (https://cloud.tencent.com/document/product/583/12513), and "If the backend service
 * fails to return the result in the specified timeout period, the gateway will return the 504
 * error" (https://www.tencentcloud.com/document/product/628/34066). The function keeps running,
 * as in the cloud; its result is dropped. Undefined: the function answered in time.
 */
export async function raceServiceTimeout<T>(route: HttpRoute, invocation: Promise<T>): Promise<{ answered: T } | undefined> {
  const seconds = route.payload === "scf" ? route.scfGateway?.serviceTimeoutSec : undefined;
  if (seconds === undefined) return { answered: await invocation };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), seconds * 1000);
  });
  // The invocation may still fail after the gateway gave up: nobody waits for it then.
  invocation.catch(() => undefined);
  try {
    return await Promise.race([invocation.then((answered) => ({ answered })), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The docs give the status (504), not the body: Faasbox answers {"message":"Gateway Timeout"}. */
export function gatewayTimeout(route: HttpRoute, fn: string): GatewayResponse {
  return {
    status: 504,
    headers: {
      "content-type": "application/json",
      "x-faasbox-error": headerText(`${fn} did not answer within the API's serviceTimeout of ${route.scfGateway?.serviceTimeoutSec} s`),
    },
    body: Buffer.from(JSON.stringify({ message: "Gateway Timeout" })),
  };
}
