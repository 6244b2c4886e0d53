// Which functions keep a standby instance: those used within the window, most recent first, within the memory budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { StandbyPolicy } from "../../../emulator/core/pool/standbyPolicy";
import { standbyOptions } from "../../../emulator/core/pool/standbys";

const MINUTE = 60_000;

test("a function keeps its standby while it was used within the window, and loses it after", () => {
  const policy = new StandbyPolicy({ windowMs: 15 * MINUTE, budgetMb: 1024 });
  policy.used("a", 128, 0);
  assert.deepEqual([...policy.entitled(14 * MINUTE)], ["a"]);
  assert.equal(policy.nextExpiry(14 * MINUTE), 15 * MINUTE);
  assert.deepEqual([...policy.entitled(15 * MINUTE)], []);
  assert.equal(policy.nextExpiry(15 * MINUTE), undefined);
  policy.used("a", 128, 20 * MINUTE);
  assert.deepEqual([...policy.entitled(21 * MINUTE)], ["a"], "a new call brings it back");
});

test("over the memory budget, the least recently used functions lose their standby first", () => {
  const policy = new StandbyPolicy({ windowMs: 15 * MINUTE, budgetMb: 512 });
  policy.used("oldest", 256, 1);
  policy.used("older", 256, 2);
  policy.used("newest", 256, 3);
  assert.deepEqual([...policy.entitled(4)].sort(), ["newest", "older"]);
  policy.used("oldest", 256, 5);
  assert.deepEqual([...policy.entitled(6)].sort(), ["newest", "oldest"], "the one used again takes the place of the least recently used");
});

test("a function larger than what is left of the budget goes without; a smaller, older one still fits", () => {
  const policy = new StandbyPolicy({ windowMs: 15 * MINUTE, budgetMb: 1024 });
  policy.used("small", 128, 1);
  policy.used("huge", 2048, 2);
  assert.deepEqual([...policy.entitled(3)], ["small"]);
  policy.resized("huge", 512);
  assert.deepEqual([...policy.entitled(3)].sort(), ["huge", "small"], "its new memory size is counted");
  policy.forget("huge");
  assert.deepEqual([...policy.entitled(3)], ["small"]);
});

test("FAASBOX_STANDBY=0 turns standbys off; FAASBOX_STANDBY_BUDGET_MB sets the budget; options win over the environment", () => {
  assert.equal(standbyOptions({}, {}).enabled, true);
  assert.equal(standbyOptions({}, { FAASBOX_STANDBY: "0" }).enabled, false);
  assert.equal(standbyOptions({ enabled: true }, { FAASBOX_STANDBY: "0" }).enabled, true);
  assert.equal(standbyOptions({}, {}).budgetMb, 1024);
  assert.equal(standbyOptions({}, { FAASBOX_STANDBY_BUDGET_MB: "256" }).budgetMb, 256);
  assert.equal(standbyOptions({}, { FAASBOX_STANDBY_BUDGET_MB: "lots" }).budgetMb, 1024, "a value that is not a number leaves the default");
  assert.equal(standbyOptions({}, {}).windowMs, 15 * MINUTE);
});
