import { test } from "node:test";
import assert from "node:assert/strict";
import { DisposableList } from "../../extension/util/disposableList";

function tracked(log: string[], name: string, fail = false) {
  return {
    dispose() {
      log.push(name);
      if (fail) throw new Error(`${name} failed`);
    },
  };
}

test("dispose() disposes everything pushed, newest first, once", () => {
  const log: string[] = [];
  const list = new DisposableList();
  list.push(tracked(log, "a"), tracked(log, "b"));
  list.push(tracked(log, "c"));
  list.dispose();
  list.dispose();
  assert.deepEqual(log, ["c", "b", "a"]);
  assert.equal(list.isDisposed, true);
});

test("something pushed after dispose() is disposed at once, not kept", () => {
  const log: string[] = [];
  const list = new DisposableList();
  list.dispose();
  const late = list.push(tracked(log, "late"));
  assert.deepEqual(log, ["late"]);
  assert.equal(typeof late.dispose, "function", "push returns what it was given");
});

test("one item that throws does not keep the others from being disposed", () => {
  const log: string[] = [];
  const list = new DisposableList();
  list.push(tracked(log, "a"), tracked(log, "b", true), tracked(log, "c"));
  assert.throws(() => list.dispose(), /b failed/);
  assert.deepEqual(log, ["c", "b", "a"]);
});
