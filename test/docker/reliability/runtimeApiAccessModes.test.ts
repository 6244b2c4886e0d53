// runtimeApiAccess.test.ts's hostile neighbours, under the in-container agent
// (emulator/agent/PROTOCOL.md), where the runtime API is the agent's listener inside the
// container rather than the emulator's:
//   - network "none": each instance has a network namespace of its own; another function sees
//     no port of the victim at all (only its own agent's, on the same port number).
//   - FAASBOX_AGENT=1 on host networking: the agent listens on the host's loopback, where any
//     local process can connect; the agent refuses every socket not of its own uid (each
//     instance runs as a uid of its own) by closing it at once, before reading a byte.
// In every mode the victim's next invocation succeeds on the same warm instance.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import type { Engine } from "../../../emulator/core/engine";
import type { DockerNetwork } from "../../../emulator/core/executors/dockerExecutor";
import { leftoverContainers, requireDocker } from "../../helpers/docker";
import { startEmulator, waitFor } from "../../helpers/emulator";

type Outcome = number | string;
type Attempts = Record<string, { next: Outcome; answer: Outcome; initError: Outcome; logs: Outcome }>;

/** How a connection the agent refused looks to an HTTP client: closed (reset) before any answer. */
const CLOSED = new Set(["ECONNRESET", "EPIPE"]);

const portOf = (result: unknown) => Number(String((result as { runtimeApi: string }).runtimeApi).split(":")[1]);

const modes: { name: string; network: DockerNetwork; sharedLoopback: boolean }[] = [
  { name: 'network "none" (agent, a network namespace per instance)', network: "none", sharedLoopback: false },
  { name: "FAASBOX_AGENT=1 on host networking (the agent's listener on the host's loopback)", network: "host", sharedLoopback: true },
];

for (const mode of modes) {
  describe(`runtime API access under the agent: ${mode.name}`, () => {
    let engine: Engine;

    before(async () => {
      await requireDocker();
      engine = await startEmulator("hostile", { executor: "docker", network: mode.network, agent: true });
    });

    after(async () => {
      await engine?.shutdown();
      assert.deepEqual(await leftoverContainers(await requireDocker()), []);
    });

    test("another function cannot take, answer or kill the victim's invocations; the instance keeps serving", async () => {
      const first = await engine.invoke("victim", { n: 1 });
      assert.equal(first.ok, true, JSON.stringify(first.error));
      const port = portOf(first.result);

      const attack = await engine.invoke("attacker", {});
      assert.equal(attack.ok, true, JSON.stringify(attack.error));
      const attempts = attack.result as Attempts;
      if (mode.sharedLoopback) {
        assert.ok(attempts[port], `the attacker saw the victim's agent port ${port} in /proc/net/tcp: ${Object.keys(attempts).join(", ")}`);
        for (const [what, outcome] of Object.entries(attempts[port])) {
          assert.ok(CLOSED.has(String(outcome)), `${what}: the agent closed the attacker's connection before any answer (got ${outcome}): ${JSON.stringify(attempts[port])}`);
        }
      } else {
        // Its own namespace holds only its own agent's listener, which it skips: nothing else to try.
        assert.deepEqual(attempts, {}, "the attacker found no open port of the victim (nor any other)");
      }

      const second = await engine.invoke("victim", { n: 2 });
      assert.equal(second.ok, true, JSON.stringify(second.error));
      assert.deepEqual((second.result as { got: unknown }).got, { n: 2 }, "its own event, not a forged answer");
      assert.equal(second.instanceId, first.instanceId, "the same warm instance: no forged init error killed it");
      assert.ok(!second.logs.some((r) => r.text.includes("injected line")));
    });

    test("a local process is refused too (or finds nothing to connect to), and the victim keeps serving", async () => {
      const warm = await engine.invoke("victim", {});
      assert.equal(warm.ok, true, JSON.stringify(warm.error));
      const port = portOf(warm.result);
      const refused: string[] = [];
      const unsubscribe = engine.logBus.subscribe((record) => {
        if (record.function === "victim" && record.text.includes("refused a runtime API connection")) refused.push(record.text);
      });
      try {
        const outcome = await new Promise<Outcome>((resolve) => {
          const req = request({ host: "127.0.0.1", port, path: "/2018-06-01/runtime/invocation/next", agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? "no status");
          });
          req.setTimeout(2000, () => {
            req.destroy();
            resolve("held: taken as a runtime's poll");
          });
          req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
          req.end();
        });
        if (mode.sharedLoopback) {
          assert.ok(CLOSED.has(String(outcome)), `the agent closed this process's connection at once (got ${outcome})`);
          await waitFor(() => refused.length > 0, "the agent's line about the refused connection in the victim's log", 5000);
          assert.match(refused[0], new RegExp(`refused a runtime API connection from uid ${process.getuid!()}\\b`));
        } else {
          // Port 9001 inside the victim's namespace; on the host's loopback, no agent of the victim.
          assert.ok(typeof outcome !== "number" || outcome !== 200, `nothing of the victim answered on the host (got ${outcome})`);
          assert.equal(refused.length, 0, "nothing reached the victim's agent");
        }
        const next = await engine.invoke("victim", { after: true });
        assert.equal(next.ok, true, JSON.stringify(next.error));
        assert.deepEqual((next.result as { got: unknown }).got, { after: true });
        assert.equal(next.instanceId, warm.instanceId, "the same warm instance");
      } finally {
        unsubscribe();
      }
    });
  });
}
