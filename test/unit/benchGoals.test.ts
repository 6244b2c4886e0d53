import { test } from "node:test";
import assert from "node:assert/strict";
import { goalTable } from "../bench/goals";

test("the bench judges each goal from the figures of its own run, and says which it did not measure", () => {
  const { text, met, total } = goalTable([
    { name: "floor", value: "", figures: { "floor.p50": 140 } },
    { name: "first", value: "", figures: { "firstRequest.node.p50": 100, "firstRequest.python.p50": 120 } },
    { name: "gateway", value: "", figures: { "gateway.c10.ratio": 2.1, "gateway.c50.ratio": 1.9 } },
    { name: "burst", value: "", figures: { "concurrent16.p50": 1326, "concurrent16.floor": 1345 } },
  ]);
  assert.match(text, /first request p50 \(Node\) ≤ 0\.8× the container floor \| 100 ms ÷ 140 ms = 0\.71× \| yes/);
  assert.match(text, /first request p50 \(Python\) ≤ 0\.8× the container floor \| 120 ms ÷ 140 ms = 0\.86× \| no/);
  assert.match(text, /c=10, ÷ serverless-offline ≥ 2× \| 2\.10× \| yes/);
  assert.match(text, /c=50, ÷ serverless-offline ≥ 2× \| 1\.90× \| no/);
  assert.match(text, /16 concurrent first requests, all answered ≤ 1\.1× 16 bare containers .*\| 1326 ms ÷ 1345 ms = 0\.99× \(≤ 1 s: no\) \| yes/);
  assert.match(text, /idle RSS ≤ 60 MB \| not measured \| — \|/);
  assert.equal(met, 3);
  assert.ok(total >= 13);
});
