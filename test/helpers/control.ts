import WebSocket from "ws";
import { Daemon } from "../../emulator/daemon/daemon";
import { ControlClient } from "../../emulator/client/controlClient";
import { copyFixture } from "./emulator";

export async function startDaemon(fixture: string, root = copyFixture(fixture)): Promise<Daemon> {
  return Daemon.start({ root, executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
}

export function clientFor(daemon: Daemon): Promise<ControlClient> {
  return ControlClient.connect(daemon.controlUrl, daemon.token);
}

/** A raw WebSocket to the control API, for what a typed client would never send. */
export function rawSocket(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once("error", reject);
  });
}

/** Sends one frame and resolves with the next JSON frame the server sends back. */
export function exchange(socket: WebSocket, frame: string): Promise<any> {
  return new Promise((resolve) => {
    socket.once("message", (data) => resolve(JSON.parse(data.toString())));
    socket.send(frame);
  });
}
