// Hostile neighbours on a shared loopback: another function and another local process try to
// take, answer or kill an instance's invocations through its runtime API, in direct mode
// (FAASBOX_AGENT=0 on host networking), where that API listens on the host's loopback and
// admits its instance's uid alone. Under the agent (the default) see runtimeApiAccessModes.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import type { Engine } from "../../../emulator/core/engine";
import { leftoverContainers, requireDocker } from "../../helpers/docker";
import { startEmulator } from "../../helpers/emulator";

let engine: Engine;

before(async () => {
  const docker = await requireDocker();
  void docker;
  engine = await startEmulator("hostile", { executor: "docker", network: "host", agent: false });
});

after(async () => {
  await engine?.shutdown();
  assert.deepEqual(await leftoverContainers(await requireDocker()), []);
});

type Attempts = Record<string, { next: number | string; answer: number | string; initError: number | string; logs: number | string }>;

test("another function finds the runtime API's port and is refused at every endpoint; the instance keeps serving", async () => {
  const first = await engine.invoke("victim", { n: 1 });
  assert.equal(first.ok, true, JSON.stringify(first.error));
  const port = Number(String((first.result as { runtimeApi: string }).runtimeApi).split(":")[1]);

  const attack = await engine.invoke("attacker", {});
  assert.equal(attack.ok, true, JSON.stringify(attack.error));
  const attempts = attack.result as Attempts;
  assert.ok(attempts[port], `the attacker saw the victim's port ${port} in /proc/net/tcp: ${Object.keys(attempts).join(", ")}`);
  assert.deepEqual(attempts[port], { next: 403, answer: 403, initError: 403, logs: 403 }, "no invocation taken, none answered, no init error, no log line");

  const second = await engine.invoke("victim", { n: 2 });
  assert.equal(second.ok, true, JSON.stringify(second.error));
  assert.deepEqual((second.result as { got: unknown }).got, { n: 2 }, "its own event, not a forged answer");
  assert.equal(second.instanceId, first.instanceId, "the same warm instance: no forged init error killed it");
  assert.ok(!second.logs.some((r) => r.text.includes("injected line")));
});

test("a local process is refused too, and the function's log says so", async () => {
  const warm = await engine.invoke("victim", {});
  const port = Number(String((warm.result as { runtimeApi: string }).runtimeApi).split(":")[1]);
  const refused: string[] = [];
  const unsubscribe = engine.logBus.subscribe((record) => {
    if (record.function === "victim" && record.text.includes("refused a runtime API call")) refused.push(record.text);
  });
  try {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path: "/2018-06-01/runtime/invocation/next", agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.setTimeout(2000, () => req.destroy(new Error("the runtime API held the request: it was taken as a runtime's poll")));
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 403);
    assert.equal(refused.length, 1, "one line in the function's log names the refused call");
    assert.equal((await engine.invoke("victim", { after: true })).ok, true);
  } finally {
    unsubscribe();
  }
});
