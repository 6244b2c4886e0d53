import { readConnectionInfo, type ConnectionInfo } from "../client/connectionFile";
import { ControlClient } from "../client/controlClient";

/** A client of the emulator running for `root`, or undefined when none runs. */
export async function connectToRunning(root: string): Promise<{ client: ControlClient; info: ConnectionInfo } | undefined> {
  const info = readConnectionInfo(root);
  if (!info) return undefined;
  return { client: await ControlClient.connect(info.controlUrl, info.token), info };
}
