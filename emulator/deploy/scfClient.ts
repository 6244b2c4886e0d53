import { Agent, type ClientRequestArgs } from "node:http";
import { createConnection } from "node:net";
import type { Duplex } from "node:stream";
import * as tencentcloud from "tencentcloud-sdk-nodejs-scf";
import { DeployError } from "./errors";
import type { ScfCredentialInput } from "./scfCredentials";

export const ScfClient = tencentcloud.scf.v20180416.Client;
export type ScfClient = InstanceType<typeof ScfClient>;

export const SCF_HOST = "scf.tencentcloudapi.com";

/**
 * Sends every request to one address whatever the URL says, like curl's --connect-to.
 * Used for FAASBOX_SCF_ENDPOINT (tests): the SDK derives the signing service from the
 * endpoint's first label ("scf"), so requests must stay addressed to scf.tencentcloudapi.com
 * for the signature to be the one SCF checks; only the connection goes elsewhere.
 */
class ConnectToAgent extends Agent {
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    super({ keepAlive: false });
  }

  override createConnection(_options: ClientRequestArgs, _callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    return createConnection({ host: this.host, port: this.port });
  }
}

/**
 * The official SCF client for one region. `endpoint` (FAASBOX_SCF_ENDPOINT) is for tests:
 * an http:// address that receives the requests exactly as scf.tencentcloudapi.com would.
 */
export function createScfClient(credentials: ScfCredentialInput, region: string, endpoint?: string): ScfClient {
  const httpProfile: Record<string, unknown> = { reqTimeout: 120 };
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      url = new URL("invalid:");
    }
    if (url.protocol !== "http:" || !url.hostname) {
      throw new DeployError("config", `FAASBOX_SCF_ENDPOINT must be an http:// address such as http://127.0.0.1:8080 (it is meant for testing against a local fake), got "${endpoint}"`);
    }
    Object.assign(httpProfile, { endpoint: SCF_HOST, protocol: "http://", agent: new ConnectToAgent(url.hostname, Number(url.port || 80)) });
  }
  return new ScfClient({
    credential: { secretId: credentials.secretId, secretKey: credentials.secretKey, token: credentials.token },
    region,
    profile: { httpProfile },
  });
}
