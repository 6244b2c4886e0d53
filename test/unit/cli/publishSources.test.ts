// `faasbox publish` for EventBridge buses, Kinesis streams and DynamoDB table streams, run
// as a user runs it against a real emulator (local processes, no Docker): the event reaches
// the functions whose rule or mapping reads it, in AWS's shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Daemon } from "../../../emulator/daemon/daemon";
import { publishTarget } from "../../../emulator/cli/publishSources";
import { UsageError } from "../../../emulator/cli/args";
import { runCliAsync } from "../../helpers/cli";
import { waitFor } from "../../helpers/emulator";
import { writeProject } from "../project/projectFiles";

type Json = Record<string, any>;

const HANDLER = `const { appendFileSync } = require("node:fs");
exports.handler = async (event) => { appendFileSync(process.env.OUT, JSON.stringify(event) + "\\n"); return null; };
`;

function template(): string {
  const fn = (name: string, events: string) => `  ${name}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Environment:
        Variables:
          OUT: ${name}.jsonl
      Events:
${events}`;
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
${fn("OnOrder", `        Placed:
          Type: EventBridgeRule
          Properties:
            Pattern: {source: [shop], detail: {total: [{numeric: [">", 100]}]}}
`)}${fn("OnClick", `        Stream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: LATEST
`)}${fn("OnChange", `        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: LATEST
`)}`;
}

test("faasbox publish --source/--detail-type/--detail, --stream and --dynamodb-stream reach the functions that read them", async (t) => {
  const root = writeProject({ "template.yaml": template(), "src/index.js": HANDLER });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const daemon = await Daemon.start({ root, executor: "process", watch: false, httpPort: 0, invokePort: 0 });
  t.after(() => daemon.shutdown());
  assert.deepEqual(daemon.engine.problems.map((p) => p.message), []);
  // The function's working folder is its code folder: that is where OUT lands.
  const lines = (name: string) => {
    const file = join(root, "src", `${name}.jsonl`);
    return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Json) : [];
  };

  const big = await runCliAsync(["publish", "--source", "shop", "--detail-type", "Order Placed", "--detail", '{"total": 150}', "--project", root]);
  assert.equal(big.status, 0, big.stderr);
  assert.match(big.stdout, /put 1 event on bus default: 1 rule\(s\) matched \(OnOrder\/Placed\)/);
  const small = await runCliAsync(["publish", "--event-bus", "default", "--source", "shop", "--detail-type", "Order Placed", "--detail", '{"total": 5}', "--project", root]);
  assert.match(small.stderr, /no enabled rule on bus "default" matches/);
  await waitFor(() => lines("OnOrder").length === 1, "the matching event");
  assert.equal(lines("OnOrder")[0]["detail-type"], "Order Placed");
  assert.deepEqual(lines("OnOrder")[0].detail, { total: 150 });

  const kinesis = await runCliAsync(["publish", "--stream", "Clicks", "--data", '{"page": "/"}', "--data", "plain", "--partition-key", "u1", "--project", root]);
  assert.equal(kinesis.status, 0, kinesis.stderr);
  assert.match(kinesis.stdout, /put 2 record\(s\) on Kinesis stream Clicks: 1 function\(s\) read it/);
  await waitFor(() => lines("OnClick").length === 1, "the Kinesis batch");
  const records = lines("OnClick")[0].Records as Json[];
  assert.deepEqual(records.map((r) => Buffer.from(r.kinesis.data, "base64").toString()), ['{"page": "/"}', "plain"]);
  assert.deepEqual(records.map((r) => r.kinesis.partitionKey), ["u1", "u1"]);

  const change = await runCliAsync([
    "publish", "--dynamodb-stream", "orders", "--event-name", "MODIFY", "--key", "id",
    "--new-image", '{"id": "o-1", "total": 7}', "--old-image", '{"id": "o-1", "total": 5}', "--project", root,
  ]);
  assert.equal(change.status, 0, change.stderr);
  await waitFor(() => lines("OnChange").length === 1, "the DynamoDB record");
  const [record] = lines("OnChange")[0].Records as Json[];
  assert.equal(record.eventName, "MODIFY");
  assert.deepEqual(record.dynamodb.Keys, { id: { S: "o-1" } });
  assert.deepEqual(record.dynamodb.NewImage, { id: { S: "o-1" }, total: { N: "7" } });
  assert.deepEqual(record.dynamodb.OldImage, { id: { S: "o-1" }, total: { N: "5" } });
});

test("publish options that cannot make an event are usage errors naming what is missing", () => {
  assert.throws(() => publishTarget({ source: "shop" }), (e: Error) => e instanceof UsageError && /needs --source, --detail-type and --detail/.test(e.message));
  assert.throws(() => publishTarget({ source: "s", "detail-type": "t", detail: "[1]" }), /--detail must be a JSON object/);
  assert.throws(() => publishTarget({ stream: "clicks" }), /at least one --data/);
  assert.throws(() => publishTarget({ "dynamodb-stream": "orders", "event-name": "UPSERT" }), /INSERT, MODIFY or REMOVE/);
  assert.throws(() => publishTarget({ "dynamodb-stream": "orders", "event-name": "REMOVE", "new-image": "{}" }), /REMOVE needs --old-image/);
  assert.throws(() => publishTarget({ "dynamodb-stream": "orders", "event-name": "INSERT", "new-image": '{"id": 1}', key: ["sk"] }), /sk are not in the item/);
  const insert = publishTarget({ "dynamodb-stream": "orders", "event-name": "INSERT", "new-image": '{"id": "1", "n": 2}' });
  assert.equal(insert?.kind, "stream");
  assert.match(insert?.kind === "stream" ? insert.note ?? "" : "", /Keys are \{id\}/);
  assert.equal(publishTarget({ message: ["m"] } as never), undefined, "a topic message is not one of these");
});
