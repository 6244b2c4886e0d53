// Which function reads which database source in which shape (consumersOf), the sample the invoke
// panel offers such a function first, and "Fire with a sample change" through runTrigger.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadProject } from "../../../../emulator/project/loadProject";
import type { InvokeResult } from "../../../../emulator/protocol";
import { consumersOf } from "../../../../emulator/triggers/database/consumers";
import { kinesisSequenceNumber } from "../../../../emulator/triggers/database/changePosition";
import { sampleRowChange } from "../../../../emulator/triggers/database/sampleChange";
import { triggerSampleDescription, triggerSampleEvent } from "../../../../emulator/triggers/events/triggerSample";
import { runTrigger, type TriggerRunTarget } from "../../../../emulator/triggers/runTrigger";
import { NODE_HANDLER, SCF_NODE_HANDLER, writeProject } from "../../project/projectFiles";

const DATABASES = `databases:
  shop:
    url: postgres://app:pw@127.0.0.1:5432/shop
    tables: [billing.invoices, orders]
    kinesis: shop-changes
    ckafka: shop-topic
  other:
    url: postgres://app:pw@127.0.0.1:5432/other
    tables: [things]
`;

function loadRoot(files: Record<string, string>) {
  const { project, problems } = loadProject(writeProject(files), { env: {} });
  assert.deepEqual(problems, []);
  return project;
}

const SAM_PROJECT = {
  "faasbox.yml": `${DATABASES}functions:
  Audit:
    events:
      - database: {name: other, batchSize: 5, retries: 1}
`,
  "template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  Changes:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: shop-changes
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: clicks
  Audit:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        ShopChanges:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Changes.Arn
            StartingPosition: TRIM_HORIZON
            BatchSize: 10
            MaximumBatchingWindowInSeconds: 1
            FunctionResponseTypes: [ReportBatchItemFailures]
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 3
        ClickStream:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: LATEST
`,
  "src/index.js": NODE_HANDLER,
};

test("SAM: a Kinesis event on a source's stream reads it as DMS records, a faasbox.yml database event as plain ones; other streams read nothing", () => {
  const project = loadRoot(SAM_PROJECT);
  const consumers = consumersOf(project);
  assert.deepEqual(
    consumers.map((c) => ({ fn: c.fn.name, trigger: c.trigger.name, source: c.source.name, shape: c.shape, label: c.sourceLabel, batching: c.batching })),
    [
      {
        fn: "Audit", trigger: "ShopChanges", source: "shop", shape: "dms-kinesis", label: "database:shop",
        batching: { batchSize: 10, batchWindowSec: 1, retries: 3, reportBatchItemFailures: true, bisectBatchOnFunctionError: true },
      },
      { fn: "Audit", trigger: "other", source: "other", shape: "plain", label: "database:other", batching: { batchSize: 5, retries: 1 } },
    ],
  );
  const change = sampleRowChange({ schema: "public", table: "orders" }, new Date("2026-12-02T10:00:00Z"));
  const event = consumers[0].toEvent([change]) as { Records: Array<Record<string, any>> };
  assert.equal(event.Records[0].eventSourceARN.endsWith(":stream/shop-changes"), true);
  assert.equal(event.Records[0].kinesis.sequenceNumber, kinesisSequenceNumber(change));
});

test("SCF: a ckafka trigger on a source's topic reads DTS records; the invoke panel's first event is that shape for the first listed table", () => {
  const project = loadRoot({
    "faasbox.yml": DATABASES,
    "serverless.yml": `component: scf
name: audit
inputs:
  name: audit
  runtime: Nodejs18.15
  handler: index.main_handler
  events:
    - ckafka:
        name: shop
        parameters:
          name: ckafka-1
          topic: shop-topic
          maxMsgNum: 50
          enable: true
    - ckafka:
        parameters:
          name: ckafka-1
          topic: unrelated
          enable: true
`,
    "index.js": SCF_NODE_HANDLER,
  });
  const consumers = consumersOf(project);
  assert.deepEqual(consumers.map((c) => [c.fn.name, c.trigger.name, c.source.name, c.shape, c.batching]), [["audit", "shop", "shop", "dts-ckafka", { batchSize: 50 }]]);
  const [fn] = project.functions;
  const sample = triggerSampleEvent(fn, fn.triggers[0], new Date("2026-12-02T10:00:00Z"), project.databases) as { Records: Array<{ Ckafka: Record<string, any> }> };
  assert.equal(sample.Records.length, 1);
  assert.equal(sample.Records[0].Ckafka.topic, "shop-topic");
  assert.equal(sample.Records[0].Ckafka.msgKey, "billing.invoices");
  const body = JSON.parse(sample.Records[0].Ckafka.msgBody);
  assert.deepEqual([body.messageType, body.schemaName, body.tableName, body.newColumns], ["INSERT", "billing", "invoices", ["1", "new", "42.50"]]);
  assert.equal(triggerSampleDescription(fn, fn.triggers[0], project.databases), "queue shop-topic: a sample insert into billing.invoices of database shop, as CKafka messages (DTS JSON)");
  assert.equal(triggerSampleDescription(fn, fn.triggers[1], project.databases), "queue unrelated (this function's trigger)");
  // The other CKafka trigger is an ordinary topic: its sample is an ordinary message.
  const plainTopic = triggerSampleEvent(fn, fn.triggers[1], new Date(), project.databases) as { Records: Array<{ Ckafka: Record<string, any> }> };
  assert.equal(plainTopic.Records[0].Ckafka.msgBody, JSON.stringify({ hello: "faasbox" }));
});

test("no databases: no consumers, and a Kinesis trigger's sample stays the stream's own", () => {
  const project = loadRoot({ "template.yaml": SAM_PROJECT["template.yaml"], "src/index.js": NODE_HANDLER });
  assert.deepEqual(consumersOf(project), []);
  const [fn] = project.functions;
  const sample = triggerSampleEvent(fn, fn.triggers[0], new Date(), project.databases) as { Records: Array<Record<string, any>> };
  assert.equal(Buffer.from(sample.Records[0].kinesis.data, "base64").toString(), JSON.stringify({ hello: "faasbox" }));
});

test("Fire with a sample change: the function is invoked with its shape's sample, labelled with the source; no record is put on the stream", async () => {
  const project = loadRoot(SAM_PROJECT);
  const [fn] = project.functions;
  const invoked: Array<{ name: string; event: any; source: string }> = [];
  const refuse = () => {
    throw new Error("not expected: a database trigger's sample goes straight to the function");
  };
  const target: TriggerRunTarget = {
    root: project.root, gatewayUrl: "", fireTimer: refuse, publish: refuse, putEvent: refuse, putKinesis: refuse, putDynamoDb: refuse, callFunctionUrl: refuse,
    databases: project.databases ?? [],
    invoke: async (name, event, source) => {
      invoked.push({ name, event, source });
      return { ok: false, error: { errorType: "Error", errorMessage: "boom" } } as InvokeResult;
    },
  };
  const shopTrigger = fn.triggers.find((t) => t.name === "ShopChanges");
  const databaseTrigger = fn.triggers.find((t) => t.kind === "database");
  assert.ok(shopTrigger && databaseTrigger);
  const viaStream = await runTrigger(target, fn, shopTrigger);
  assert.equal(viaStream.sent, "invoked Audit with a sample insert into billing.invoices (dms-kinesis event of database shop); it failed: Error: boom");
  const viaEvent = await runTrigger(target, fn, databaseTrigger);
  assert.match(viaEvent.sent, /sample insert into public\.things \(plain event of database other\)/);
  assert.deepEqual(invoked.map((i) => [i.name, i.source]), [["Audit", "database:shop"], ["Audit", "database:other"]]);
  const dms = JSON.parse(Buffer.from(invoked[0].event.Records[0].kinesis.data, "base64").toString());
  assert.deepEqual([dms.metadata["schema-name"], dms.metadata["table-name"], dms.metadata.operation], ["billing", "invoices", "insert"]);
  assert.deepEqual(invoked[1].event.Records[0].after, { id: 1, status: "new", total: "42.50" });
});
