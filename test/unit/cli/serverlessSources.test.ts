// A Serverless Framework (provider: aws) service's sqs, stream and eventBridge events, fed by
// `faasbox publish` as a user runs it against a real emulator (local processes, no Docker).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Daemon } from "../../../emulator/daemon/daemon";
import { runCliAsync } from "../../helpers/cli";
import { waitFor } from "../../helpers/emulator";
import { writeProject } from "../project/projectFiles";

type Json = Record<string, any>;

const HANDLER = `const { appendFileSync } = require("node:fs");
exports.handler = async (event) => { appendFileSync(process.env.OUT, JSON.stringify(event) + "\\n"); return null; };
`;

const SERVICE = `service: shop
provider:
  name: aws
  runtime: nodejs20.x
functions:
  onOrder:
    handler: handler.handler
    environment: {OUT: onOrder.jsonl}
    events:
      - eventBridge:
          eventBus: shop-events
          pattern: {source: [shop], detail: {total: [{numeric: [">", 100]}]}}
          inputPath: $.detail
  onClick:
    handler: handler.handler
    environment: {OUT: onClick.jsonl}
    events:
      - stream:
          type: kinesis
          arn: {Fn::GetAtt: [Clicks, Arn]}
          filterPatterns:
            - data: {page: [{prefix: /shop}]}
  onJob:
    handler: handler.handler
    environment: {OUT: onJob.jsonl}
    events:
      - sqs:
          arn: arn:aws:sqs:us-east-1:123456789012:jobs
          filterPatterns:
            - body: {kind: [order]}
resources:
  Resources:
    Clicks:
      Type: AWS::Kinesis::Stream
      Properties: {Name: clicks}
`;

test("faasbox publish reaches a serverless.yml's eventBridge, stream and sqs events, through their patterns and filters", async (t) => {
  const root = writeProject({ "serverless.yml": SERVICE, "handler.js": HANDLER });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const daemon = await Daemon.start({ root, executor: "process", watch: false, httpPort: 0, invokePort: 0 });
  t.after(() => daemon.shutdown());
  assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
  assert.deepEqual(daemon.engine.manifestWarnings.map((w) => w.message), []);
  const lines = (name: string) => {
    const file = join(root, `${name}.jsonl`);
    return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Json) : [];
  };
  const publish = async (...args: string[]) => {
    const result = await runCliAsync(["publish", ...args, "--project", root]);
    assert.equal(result.status, 0, result.stderr);
    return result;
  };

  await publish("--event-bus", "shop-events", "--source", "shop", "--detail-type", "Order Placed", "--detail", '{"total": 5}');
  await publish("--event-bus", "shop-events", "--source", "shop", "--detail-type", "Order Placed", "--detail", '{"total": 150}');
  await waitFor(() => lines("onOrder").length === 1, "the matching event");
  // inputPath: $.detail delivers only the detail.
  assert.deepEqual(lines("onOrder")[0], { total: 150 });

  await publish("--stream", "clicks", "--data", '{"page": "/home"}');
  await publish("--stream", "clicks", "--data", '{"page": "/shop/cart"}');
  await waitFor(() => lines("onClick").length === 1, "the filtered Kinesis batch");
  const records = lines("onClick")[0].Records as Json[];
  assert.deepEqual(records.map((r) => Buffer.from(r.kinesis.data, "base64").toString()), ['{"page": "/shop/cart"}']);

  await publish("jobs", "--message", '{"kind": "refund"}', "--message", '{"kind": "order", "id": 7}');
  await waitFor(() => lines("onJob").length === 1, "the filtered SQS batch");
  assert.deepEqual((lines("onJob")[0].Records as Json[]).map((r) => JSON.parse(r.body)), [{ kind: "order", id: 7 }]);
  // Nothing else arrives late: the unmatched event and records were dropped, not delayed.
  await new Promise((done) => setTimeout(done, 300));
  assert.deepEqual([lines("onOrder").length, lines("onClick").length, lines("onJob").length], [1, 1, 1]);
});
