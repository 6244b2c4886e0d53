// The control client against a real WebSocket server that goes away mid-request.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
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

test("a client keeps no answer once its caller let go of it (a long-lived client, as the extension's, does not grow with every result)", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  // Answers every request with a fresh object of about 100 KB.
  server.on("connection", (socket) => socket.on("message", (data) => {
    const { id } = JSON.parse(data.toString()) as { id: number };
    socket.send(JSON.stringify({ jsonrpc: "2.0", id, result: { payload: "x".repeat(100_000), id } }));
  }));
  const { port } = server.address() as AddressInfo;
  const client = await ControlClient.connect(`ws://127.0.0.1:${port}/faasbox`, "token");
  try {
    const answers: WeakRef<object>[] = [];
    for (let i = 0; i < 20; i++) answers.push(new WeakRef((await client.request(Requests.functionsList)) as object));
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    const kept = answers.filter((answer) => answer.deref() !== undefined).length;
    assert.equal(kept, 0, `${kept} of 20 answers are still in memory after the caller let go of them`);
    // Still usable.
    assert.ok(await client.request(Requests.functionsList));
  } finally {
    client.dispose();
    await new Promise((resolve) => server.close(resolve));
  }
});
