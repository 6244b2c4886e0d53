import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Daemon } from "../../emulator/daemon/daemon";
import { copyFixture } from "../helpers/emulator";

async function occupiedPort(): Promise<{ port: number; close: () => void }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

test("a default HTTP port that is busy moves to a free one and says so; a chosen one is an error naming the flag", async () => {
  const busy = await occupiedPort();
  try {
    const daemon = await Daemon.start({ root: copyFixture("http"), executor: "process", watch: false, httpPort: busy.port, invokePort: 0, portFallback: { http: true, invoke: false } });
    try {
      assert.notEqual(new URL(daemon.gateway.url).port, String(busy.port));
      assert.ok(daemon.engine.warnings.some((w) => w.includes(`port ${busy.port} is in use: the HTTP gateway listens on`)), daemon.engine.warnings.join("\n"));
    } finally {
      await daemon.shutdown();
    }
    await assert.rejects(
      Daemon.start({ root: copyFixture("http"), executor: "process", watch: false, httpPort: busy.port, invokePort: 0 }),
      new RegExp(`port ${busy.port} for the HTTP gateway is in use: choose another with --http-port`),
    );
  } finally {
    busy.close();
  }
});

test("each default port moves aside on its own: a chosen HTTP port keeps a busy default Invoke API port free to move", async () => {
  const busy = await occupiedPort();
  try {
    const daemon = await Daemon.start({
      root: copyFixture("http"), executor: "process", watch: false,
      httpPort: 0, invokePort: busy.port, portFallback: { http: false, invoke: true },
    });
    try {
      assert.notEqual(new URL(daemon.invokeUrl!).port, String(busy.port));
      assert.ok(daemon.engine.warnings.some((w) => w.includes(`port ${busy.port} is in use: the Lambda Invoke API listens on`)), daemon.engine.warnings.join("\n"));
    } finally {
      await daemon.shutdown();
    }
  } finally {
    busy.close();
  }
});
