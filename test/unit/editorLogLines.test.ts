// What the editor shows of a function's logs and history: the Output channels' lines (with
// container paths mapped to workspace files), a failed history row, the status bar's counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { LogRecord } from "../../emulator/protocol";
import { allFunctionsChannelText, functionChannelText } from "../../extension/views/channelLines";
import { invocationLabel } from "../../extension/views/invocationLabel";
import { ACTIVITY_WINDOW_MS, activityText, RecentActivity } from "../../extension/views/recentActivity";

const fn = { codeDir: "/home/me/project/fn" };
const record = (text: string, stream: LogRecord["stream"] = "stderr"): LogRecord => ({ function: "Thrower", requestId: "r-1", stream, time: 0, text });

test("a function's channel shows the runtime's error line as printed, its frames pointing at the workspace", () => {
  const line = '2024-05-01T10:00:00.000Z\tr-1\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","stack":["Error: boom","    at Runtime.handler (/var/task/app.js:3:9)"]}';
  assert.equal(
    functionChannelText(fn, record(line)),
    '2024-05-01T10:00:00.000Z\tr-1\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","stack":["Error: boom","    at Runtime.handler (/home/me/project/fn/app.js:3:9)"]}',
  );
  assert.equal(functionChannelText(fn, record("START RequestId: r-1 Version: $LATEST", "system")), "START RequestId: r-1 Version: $LATEST");
});

test("the all-functions channel names the function on every line, a traceback's too", () => {
  const traceback = '[ERROR] ValueError: bad\nTraceback (most recent call last):\n  File "/var/task/app.py", line 4, in handler\n';
  assert.equal(
    allFunctionsChannelText(fn, record(traceback)),
    '[Thrower] [ERROR] ValueError: bad\n[Thrower] Traceback (most recent call last):\n[Thrower]   File "/home/me/project/fn/app.py", line 4, in handler',
  );
});

test("a failed history row says what failed; a success stays short", () => {
  assert.equal(invocationLabel({ ok: true, durationMs: 21.04 }), "ok · 21.0 ms");
  assert.equal(invocationLabel({ ok: false, errorKind: "function", errorType: "Error", errorMessage: "boom", durationMs: 21 }), "✗ Error: boom · 21.0 ms");
  assert.equal(
    invocationLabel({ ok: false, errorKind: "init", errorType: "Runtime.ImportModuleError", errorMessage: "Error: Cannot find module 'nope'\nRequire stack:\n- /var/task/app.js", durationMs: 3.2 }),
    "✗ Runtime.ImportModuleError: Error: Cannot find module 'nope' Require stack: - /var/task/app.js · 3.2 ms",
  );
  assert.equal(invocationLabel({ ok: false, errorKind: "timeout", durationMs: 3000 }), "✗ timeout · 3000.0 ms");
  const long = invocationLabel({ ok: false, errorType: "Error", errorMessage: "x".repeat(200), durationMs: 1 });
  assert.ok(long.length < 110 && long.includes("…"), long);
});

test("the status bar counts the last minute's invocations and failures", () => {
  const activity = new RecentActivity();
  assert.equal(activityText(activity.counts(0)), undefined, "nothing without activity");
  activity.record(true, 1000);
  activity.record(false, 2000);
  activity.record(true, 3000);
  assert.deepEqual(activity.counts(3000), { invocations: 3, errors: 1 });
  assert.equal(activityText(activity.counts(3000)), "$(pulse) 3/min · $(error) 1 failed");
  assert.equal(activity.nextChange(3000), 1000 + ACTIVITY_WINDOW_MS);
  assert.deepEqual(activity.counts(2000 + ACTIVITY_WINDOW_MS), { invocations: 1, errors: 0 }, "a minute on, the failure is no longer counted");
  assert.equal(activityText(activity.counts(2000 + ACTIVITY_WINDOW_MS)), "$(pulse) 1/min");
  assert.equal(activity.nextChange(10 * ACTIVITY_WINDOW_MS), undefined);
});
