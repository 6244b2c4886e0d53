// The Docker engine stops and comes back while invocations keep arriving: none hangs, each
// either succeeds or fails with a clear platform or exit error, the pools recover once the
// engine answers again, and the emulator leaves no container of its session behind, not even
// one created while the engine was shutting down.
// Runs on a PRIVATE engine (test/helpers/privateEngine.ts): the shared engine at
// /var/run/docker.sock is only read once (`docker save` of the runtime image), never stopped,
// restarted or given a container.
import { after, before, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { resolveImages } from "../../../emulator/config/images";
import { LABELS } from "../../../emulator/core/docker/labels";
import { Engine } from "../../../emulator/core/engine";
import type { InvokeResult } from "../../../emulator/protocol";
import { copyFixture } from "../../helpers/emulator";
import { startPrivateEngine, type PrivateEngine } from "../../helpers/privateEngine";

/** One call every this many ms while the engine runs, stops and comes back. */
const EVERY_MS = 150;
/** Calls before the engine is stopped, and the time the load goes on once it answers again. */
const CALLS_BEFORE_STOP = 10;
const LOAD_AFTER_RESTART_MS = 3000;
/** The engine stays down this long (after dockerd exited) before it is started again. */
const DOWN_MS = 1000;
/** The bound on the whole load, whatever the engine does. */
const MAX_CALLS = 250;
/** No call may take longer than this: beyond it, it hung. */
const CALL_DEADLINE_MS = 30_000;
const FUNCTION = "restart-load";

let engine: PrivateEngine | undefined;
let emulator: Engine | undefined;

before(async () => {
  engine = await startPrivateEngine();
  await engine.loadImage(resolveImages().nodejs.image); // images are per engine
  const root = copyFixture("runtime");
  // Short enough that some calls are running on their instance when the engine stops.
  appendFileSync(join(root, "faasbox.yml"), `  ${FUNCTION}:\n    runtime: nodejs20.x\n    codeUri: node\n    handler: slow.handler\n    timeout: 10\n    maxConcurrency: 10\n`);
  emulator = await Engine.create({ root, executor: "docker", watch: false, dockerHost: engine.host });
});

after(async () => {
  // Always: the emulator first (it may still hold containers on the engine), then the engine and its folders.
  try {
    await emulator?.shutdown();
  } finally {
    await engine?.dispose();
  }
});

interface Call {
  index: number;
  issuedAt: number;
  phase: "before" | "outage" | "after";
  endedAt?: number;
  result?: InvokeResult;
  hung?: boolean;
  threw?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failure a user can act on: the engine named as the cause, or the runtime's exit in the cloud's words. */
function isClearFailure(result: InvokeResult): boolean {
  const error = result.error;
  if (!error) return false;
  if (result.errorKind === "platform") return error.errorType === "Faasbox.LaunchFailed" && /Docker engine/.test(error.errorMessage);
  if (result.errorKind === "exit") return error.errorType === "Runtime.ExitError" && /Runtime exited with error/.test(error.errorMessage);
  // Started, then stopped by the engine as it shut down, before its runtime was ready.
  if (result.errorKind === "init") return error.errorType === "Runtime.ExitError" && /the runtime exited before it was ready/.test(error.errorMessage);
  return false;
}

test("the engine stops and restarts under load: no call hangs, failures are clear, the pool recovers, no container is left", async (t: TestContext) => {
  const docker = engine!.docker;
  const session = `${LABELS.session}=${emulator!.id}`;
  const warm = await emulator!.invoke(FUNCTION, { ms: 10 });
  assert.equal(warm.ok, true, `the private engine runs functions: ${JSON.stringify(warm.error)}`);
  assert.equal((await docker.listContainers({ all: true, filters: { label: [session] } })).length, 1, "its container is on the private engine");

  const calls: Call[] = [];
  let phase: Call["phase"] = "before";
  const issue = () => {
    const call: Call = { index: calls.length, issuedAt: performance.now(), phase };
    calls.push(call);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        call.hung = true;
        resolve();
      }, CALL_DEADLINE_MS);
    });
    const done = emulator!.invoke(FUNCTION, { ms: 100 + (call.index % 4) * 100 }).then(
      (result) => {
        call.result = result;
        call.endedAt = performance.now();
      },
      (error: Error) => {
        call.threw = error.message;
        call.endedAt = performance.now();
      },
    );
    return Promise.race([done, deadline]).finally(() => clearTimeout(timer));
  };
  const pending: Promise<void>[] = [];
  let loading = true;
  const load = (async () => {
    while (loading && calls.length < MAX_CALLS) {
      pending.push(issue());
      await sleep(EVERY_MS);
    }
  })();

  // Running, then SIGTERM to dockerd in the middle of the load, as a service manager stops it.
  while (calls.length < CALLS_BEFORE_STOP) await sleep(20);
  phase = "outage";
  const stopAt = performance.now();
  await engine!.stop();
  const stoppedAt = performance.now();
  await sleep(DOWN_MS);
  await engine!.start();
  const answeredAt = performance.now();
  phase = "after";
  await sleep(LOAD_AFTER_RESTART_MS);
  loading = false;
  await load;
  await Promise.all(pending);

  const during = calls.filter((c) => c.phase === "outage");
  const afterRestart = calls.filter((c) => c.phase === "after");
  const ok = (list: Call[]) => list.filter((c) => c.result?.ok).length;
  const kinds = new Map<string, number>();
  const examples = new Map<string, string>();
  for (const c of calls.filter((c) => c.result && !c.result.ok)) {
    const key = `${c.result!.errorKind}/${c.result!.error?.errorType}`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
    if (!examples.has(key)) examples.set(key, c.result!.error!.errorMessage.split("\n")[0]);
  }
  const firstOk = afterRestart.filter((c) => c.result?.ok).sort((a, b) => a.endedAt! - b.endedAt!)[0];
  const leftBeforeShutdown = await docker.listContainers({ all: true, filters: { label: [session] } });
  t.diagnostic(`engine: SIGTERM to exit ${Math.round(stoppedAt - stopAt)} ms, down ${DOWN_MS} ms, answering again ${Math.round(answeredAt - stopAt)} ms after SIGTERM`);
  t.diagnostic(`calls: ${calls.length} (one every ${EVERY_MS} ms); before the stop ${ok(calls.filter((c) => c.phase === "before"))}/${calls.filter((c) => c.phase === "before").length} ok`);
  t.diagnostic(`during the outage: ${ok(during)} ok, ${during.length - ok(during)} failed of ${during.length}; failures by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);
  for (const [key, message] of examples) t.diagnostic(`  e.g. ${key}: ${message}`);
  t.diagnostic(`after the engine answered again: ${ok(afterRestart)}/${afterRestart.length} ok; recovery: first success ${firstOk ? Math.round(firstOk.endedAt! - answeredAt) : "never"} ms after the engine answered (issued ${firstOk ? Math.round(firstOk.issuedAt - answeredAt) : "-"} ms after)`);
  t.diagnostic(`containers of the session on the engine before shutdown: ${leftBeforeShutdown.length} (${leftBeforeShutdown.map((c) => c.State).join(", ")})`);

  const hung = calls.filter((c) => c.hung);
  assert.deepEqual(hung.map((c) => `${c.phase} #${c.index}`), [], `no call may hang (deadline ${CALL_DEADLINE_MS} ms)`);
  assert.deepEqual(calls.filter((c) => c.threw).map((c) => c.threw), [], "every call settles with a result, none throws");
  const unclear = calls.filter((c) => c.result && !c.result.ok && !isClearFailure(c.result));
  assert.deepEqual(unclear.map((c) => ({ phase: c.phase, kind: c.result!.errorKind, error: c.result!.error })), [], "every failure names the engine or the runtime's exit");
  const endedBeforeStop = calls.filter((c) => c.endedAt !== undefined && c.endedAt < stopAt);
  assert.ok(endedBeforeStop.length >= CALLS_BEFORE_STOP / 2, `calls ran before the stop: ${endedBeforeStop.length}`);
  assert.deepEqual(endedBeforeStop.filter((c) => !c.result?.ok).map((c) => c.result?.error), [], "every call that ended before the stop succeeded");
  assert.ok(during.length - ok(during) > 0, "the outage was seen: some calls failed");
  assert.ok(afterRestart.length >= 5, `enough calls after the restart: ${afterRestart.length}`);
  assert.deepEqual(afterRestart.filter((c) => !c.result?.ok).map((c) => ({ index: c.index, kind: c.result?.errorKind, error: c.result?.error })), [], "every call after the engine answered again succeeded");

  // What close() could not remove it says on stderr: nothing, with the engine back.
  const warnings: string[] = [];
  const printed = console.error;
  console.error = (...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
    printed(...args);
  };
  try {
    await emulator!.shutdown();
  } finally {
    console.error = printed;
  }
  const left = await docker.listContainers({ all: true, filters: { label: [session] } });
  assert.deepEqual(left.map((c) => `${c.Id.slice(0, 12)} ${c.State}`), [], "no container of the session is left on the engine after shutdown");
  const anyFaasbox = await docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } });
  assert.deepEqual(anyFaasbox.map((c) => c.Id.slice(0, 12)), [], "nor any other Faasbox container");
  assert.deepEqual(warnings.filter((w) => /could not be (removed|listed)/.test(w)), [], "no warning about containers left");
});

test("shutting down while the engine hangs is bounded and says which containers it left; their lease still stops them", async (t: TestContext) => {
  const docker = engine!.docker;
  const second = await Engine.create({ root: copyFixture("runtime"), executor: "docker", watch: false, dockerHost: engine!.host });
  const session = `${LABELS.session}=${second.id}`;
  let paused = false;
  const printed = console.error;
  try {
    const warm = await second.invoke("node-cjs", { n: 1 });
    assert.equal(warm.ok, true, JSON.stringify(warm.error));
    const [container] = await docker.listContainers({ all: true, filters: { label: [session] } });
    assert.equal(container?.State, "running");

    engine!.pause(); // SIGSTOP: the engine accepts connections and answers nothing
    paused = true;
    // Under the agent the Runtime API rides the engine's attach stream: a hung engine stalls the
    // invocation, which still ends, at the function's timeout, rather than waiting forever.
    const stalled = await second.invoke("node-cjs", { n: 2 });
    assert.equal(stalled.ok, false);
    assert.equal(stalled.error?.errorType, "Sandbox.Timedout", JSON.stringify(stalled.error));

    const said: string[] = [];
    console.error = (...args: unknown[]) => void said.push(args.map(String).join(" "));
    const startedAt = performance.now();
    await second.shutdown();
    const tookMs = performance.now() - startedAt;
    console.error = printed;
    const warning = said.find((line) => /could not be removed/.test(line));
    t.diagnostic(`shutdown with a hung engine took ${Math.round(tookMs)} ms; it said: ${warning ?? said.join(" | ")}`);
    assert.ok(tookMs < 20_000, `shutdown is bounded: ${Math.round(tookMs)} ms`);
    assert.ok(warning, `a warning names what was left: ${JSON.stringify(said)}`);
    assert.ok(warning.includes(container.Id.slice(0, 12)), warning);
    assert.match(warning, /docker rm -f /);

    engine!.resume();
    paused = false;
    // The emulator let go of the lease (its attach connection): once the engine acts again, the runtime stops.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const state = await docker.getContainer(container.Id).inspect().then((info) => info.State.Status, () => "gone");
      if (state !== "running") break;
      assert.ok(Date.now() < deadline, "the container left behind stops on its lease");
      await sleep(100);
    }
  } finally {
    console.error = printed;
    if (paused) engine!.resume();
    await second.shutdown();
    for (const c of await docker.listContainers({ all: true, filters: { label: [session] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
});
