// Deploying a function with a faasbox.yml `database` event: nothing is created in either cloud (the
// plain change event is Faasbox's own), and the plan says what the cloud needs instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planLambdaTriggers } from "../../../emulator/deploy/lambdaTriggers";
import { planScfTriggers } from "../../../emulator/deploy/scfTriggers";
import type { FunctionSpec } from "../../../emulator/project/spec";

const spec = (dialect: "scf" | "aws") => ({ name: "audit", dialect, triggers: [{ kind: "database", name: "shop", source: "shop", batchSize: 100 }] }) as unknown as FunctionSpec;

test("a database event is skipped on deploy, saying what sets it up in the cloud", () => {
  assert.deepEqual(planScfTriggers(spec("scf"), "audit", "default", []).map((s) => s.plan), [
    { type: "database", name: "shop", action: "skip", detail: "database shop", note: "local only: in SCF, subscribe the database with DTS (Kafka edition, JSON) and add a ckafka trigger on its topic" },
  ]);
  assert.deepEqual(planLambdaTriggers(spec("aws"), undefined), [
    {
      type: "database", name: "shop", action: "skip", detail: "database shop",
      note: "needs DMS writing the database's changes to a Kinesis stream, and a Kinesis event source mapping set up; deploy it with `sam deploy` or the console",
    },
  ]);
});
