// The control client against a real WebSocket server that goes away mid-request.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { ControlClient } from "../../emulator/client/controlClient";
import { Requests } from "../../emulator/protocol";

test("a request the emulator never answers because it went away fails with a reason, instead of hanging or ending the CLI silently", async () => {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  // Takes the request, then dies without an answer, as a SIGKILLed emulator does.
  server.on("connection", (socket) => socket.once("message", () => socket.terminate()));
  const { port } = server.address() as AddressInfo;
  const client = await ControlClient.connect(`ws://127.0.0.1:${port}/faasbox`, "token");
  try {
    await assert.rejects(client.request(Requests.invoke, { function: "f" }), /closed the connection before it answered/);
  } finally {
    client.dispose();
    await new Promise((resolve) => server.close(resolve));
  }
});
