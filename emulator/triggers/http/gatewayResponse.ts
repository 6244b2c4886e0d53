/** The HTTP answer the gateway sends the client. */
export interface GatewayResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /**
   * Faasbox's own account of what went wrong (which function, why its answer could not be
   * mapped, the request id). It goes to the logs and to the x-faasbox-error header, never into
   * the body: the body is what the cloud would send.
   */
  diagnosis?: string;
}
