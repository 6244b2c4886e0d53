// The log history on disk: queries, a size cap, and what survives a restart or a crash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogStore, matchesFilter } from "../../../emulator/core/logs/logStore";
import type { LogRecord } from "../../../emulator/protocol";

type After = { after(fn: () => unknown): void };

function stateDir(t: After): string {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-logs-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function store(t: After, dir: string, capBytes = 1024 * 1024): LogStore {
  const logs = new LogStore(dir, capBytes);
  t.after(() => logs.close());
  return logs;
}

function record(text: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { function: "fn", stream: "stdout", time: 1_000, text, ...extra };
}

test("queries filter by function, request, stream, text (any case) and time, newest `limit` last", async (t) => {
  const logs = store(t, stateDir(t));
  logs.append(record("START RequestId: r1", { requestId: "r1", stream: "system", time: 1000 }));
  logs.append(record("Hello World", { requestId: "r1", time: 1001 }));
  logs.append(record("boom", { requestId: "r1", stream: "stderr", time: 1002 }));
  logs.append(record("other function", { function: "other", requestId: "r2", time: 1003 }));
  logs.append(record("init line", { time: 1004 }));

  const texts = async (params: Parameters<LogStore["query"]>[0]) => (await logs.query(params)).map((r) => r.text);
  assert.deepEqual(await texts({}), ["START RequestId: r1", "Hello World", "boom", "other function", "init line"]);
  assert.deepEqual(await texts({ function: "other" }), ["other function"]);
  assert.deepEqual(await texts({ requestId: "r1" }), ["START RequestId: r1", "Hello World", "boom"]);
  assert.deepEqual(await texts({ stream: "stderr" }), ["boom"]);
  assert.deepEqual(await texts({ text: "WORLD" }), ["Hello World"]);
  assert.deepEqual(await texts({ since: 1002, until: 1003 }), ["boom", "other function"]);
  assert.deepEqual(await texts({ function: "fn", limit: 2 }), ["boom", "init line"], "the newest matches");
  assert.deepEqual((await logs.query({ requestId: "r1", stream: "stdout" }))[0], record("Hello World", { requestId: "r1", time: 1001 }), "records come back whole");
});

test("the history survives a restart, and new lines follow the old ones", async (t) => {
  const dir = stateDir(t);
  const first = new LogStore(dir, 1024 * 1024);
  first.append(record("before restart"));
  await first.close();

  const second = store(t, dir);
  second.append(record("after restart"));
  assert.deepEqual((await second.query({})).map((r) => r.text), ["before restart", "after restart"]);
});

test("the store keeps within its size cap, dropping the oldest lines first", async (t) => {
  const dir = stateDir(t);
  const cap = 4096;
  const logs = store(t, dir, cap);
  for (let i = 0; i < 200; i++) {
    logs.append(record(`line ${String(i).padStart(3, "0")} ${"x".repeat(40)}`));
    await logs.flush();
  }
  const size = (name: string) => {
    try {
      return statSync(join(dir, name)).size;
    } catch {
      return 0;
    }
  };
  assert.ok(size("logs.current.jsonl") + size("logs.previous.jsonl") <= cap, "at most the cap on disk");
  const kept = (await logs.query({})).map((r) => Number(r.text.slice(5, 8)));
  assert.equal(kept.at(-1), 199, "the newest line is kept");
  assert.ok(kept.length > 20 && kept.length < 200, `some lines were dropped, enough kept (${kept.length})`);
  assert.deepEqual(kept, kept.map((_, i) => kept[0] + i), "what is kept is the newest lines, in order, without gaps");
});

test("a line cut short by a crash is skipped; the lines around it are read", async (t) => {
  const dir = stateDir(t);
  const first = new LogStore(dir, 1024 * 1024);
  first.append(record("whole"));
  await first.close();
  appendFileSync(join(dir, "logs.current.jsonl"), '{"function":"fn","stream":"stdout","ti\n');

  const second = store(t, dir);
  second.append(record("after the crash"));
  assert.deepEqual((await second.query({})).map((r) => r.text), ["whole", "after the crash"]);
});

test("live filters match as the stored queries do", () => {
  const line = record("Task timed out", { requestId: "r9", stream: "system" });
  assert.equal(matchesFilter(line, {}), true);
  assert.equal(matchesFilter(line, { function: "fn", requestId: "r9", stream: "system", text: "TIMED" }), true);
  assert.equal(matchesFilter(line, { function: "other" }), false);
  assert.equal(matchesFilter(line, { requestId: "r1" }), false);
  assert.equal(matchesFilter(line, { stream: "stdout" }), false);
  assert.equal(matchesFilter(line, { text: "memory" }), false);
});
