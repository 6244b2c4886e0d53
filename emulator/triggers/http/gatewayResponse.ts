/** What the local gateway sends back to the client: a leaf both dialects' mappings build. */
export interface GatewayResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}
