// Timers, topics, queues, buckets and asynchronous delivery with retries and dead letters.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Daemon } from "../../emulator/daemon/daemon";
import type { ControlClient } from "../../emulator/client/controlClient";
import { Requests, type LogRecord } from "../../emulator/protocol";
import { bucketFolder } from "../../emulator/triggers/bucketWatcher";
import { runCli, runCliAsync, spawnCliStart } from "../helpers/cli";
import { clientFor } from "../helpers/control";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { copyFixture, waitFor } from "../helpers/emulator";
import { messageOf } from "../helpers/logLines";

describe("triggers", () => {
  let daemon: Daemon;
  let client: ControlClient;
  const records: LogRecord[] = [];
  const eventsOf = (fn: string): any[] =>
    records.filter((r) => r.function === fn && messageOf(r.text).startsWith("EVENT ")).map((r) => JSON.parse(messageOf(r.text).slice("EVENT ".length)));

  before(async () => {
    await requireDocker();
    daemon = await Daemon.start({ root: copyFixture("triggers"), executor: "docker", watch: false, httpPort: 0, invokePort: 0, retryDelayMs: 200 });
    daemon.engine.logBus.subscribe((record) => records.push(record));
    client = await clientFor(daemon);
  });
  after(async () => {
    client?.dispose();
    await daemon?.shutdown();
  });

  test("a one-second SCF timer fires with SCF's Timer event, stops when disabled and resumes when enabled", async () => {
    await waitFor(() => eventsOf("ticker").length >= 2, "two timer fires", 10_000);
    const [first] = eventsOf("ticker");
    assert.equal(first.Type, "Timer");
    assert.equal(first.TriggerName, "every-second");
    assert.equal(first.Message, "tick");
    assert.match(first.Time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const listed = (await client.request(Requests.triggersList)).timers.find((t) => t.function === "ticker")!;
    assert.equal(listed.enabled, true);
    assert.ok(listed.nextFire! > Date.now() - 1000);

    assert.deepEqual(await client.request(Requests.timersSetEnabled, { function: "ticker", trigger: "every-second", enabled: false }), { ok: true });
    await daemon.queue.idle();
    const stopped = eventsOf("ticker").length;
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(eventsOf("ticker").length, stopped, "a disabled timer does not fire");
    assert.equal((await client.request(Requests.triggersList)).timers.find((t) => t.function === "ticker")!.nextFire, undefined);
    await client.request(Requests.timersSetEnabled, { function: "ticker", trigger: "every-second", enabled: true });
    await waitFor(() => eventsOf("ticker").length > stopped, "the timer to fire again");
  });

  test("firing a disabled AWS timer now delivers EventBridge's Scheduled Event (also from the CLI)", async () => {
    const result = await runCliAsync(["timers", "fire", "nightly", "nightly", "--project", daemon.engine.root]);
    assert.equal(result.status, 0, result.stderr);
    await waitFor(() => eventsOf("nightly").length === 1, "the fired timer's event");
    const [event] = eventsOf("nightly");
    assert.equal(event["detail-type"], "Scheduled Event");
    assert.equal(event.source, "aws.events");
    assert.match(event.resources[0], /^arn:aws:events:[\w-]+:\d{12}:rule\//);
    const listing = await runCliAsync(["timers", "--project", daemon.engine.root]);
    assert.match(listing.stdout, /nightly\s+nightly\s+disabled next —\s+cron\(0 3 \* \* \? \*\)/);
  });

  test("a topic message reaches every subscriber in its own cloud's shape (SNS for Lambda, CMQ for SCF)", async () => {
    const { subscribers } = await client.request(Requests.topicsPublish, { topic: "orders", messages: ['{"order":1}'], subject: "new order" });
    assert.equal(subscribers, 2);
    await waitFor(() => eventsOf("orders-aws").length === 1 && eventsOf("orders-scf").length === 1, "both subscribers");
    const sns = eventsOf("orders-aws")[0].Records[0];
    assert.equal(sns.EventSource, "aws:sns");
    assert.equal(sns.Sns.Message, '{"order":1}');
    assert.equal(sns.Sns.Subject, "new order");
    assert.match(sns.Sns.TopicArn, /:orders$/);
    const cmq = eventsOf("orders-scf")[0].Records[0].CMQ;
    assert.equal(cmq.type, "topic");
    assert.equal(cmq.topicName, "orders");
    assert.equal(cmq.msgBody, '{"order":1}');
  });

  test("a queue delivers in batches of its batch size, as SQS records", async () => {
    await client.request(Requests.topicsPublish, { topic: "jobs", messages: ["1", "2", "3", "4", "5", "6", "7"] });
    await waitFor(() => eventsOf("jobs-worker").reduce((n, e) => n + e.Records.length, 0) === 7, "seven messages");
    const sizes = eventsOf("jobs-worker").map((e) => e.Records.length).sort();
    assert.deepEqual(sizes, [1, 3, 3]);
    const record = eventsOf("jobs-worker")[0].Records[0];
    assert.equal(record.eventSource, "aws:sqs");
    assert.match(record.eventSourceARN, /:jobs$/);
    assert.equal(record.attributes.ApproximateReceiveCount, "1");
  });

  test("messages can be published over HTTP and from the CLI", async () => {
    const response = await fetch(`${daemon.gateway.url}/_faasbox/topics/orders`, { method: "POST", body: '{"messages":["via-http"]}' });
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { topic: "orders", messages: 1, subscribers: 2 });
    const cli = await runCliAsync(["publish", "orders", "--message", "via-cli", "--project", daemon.engine.root]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /published 1 message\(s\) to orders: 2 function\(s\) subscribed/);
    await waitFor(() => ["via-http", "via-cli"].every((m) => eventsOf("orders-aws").some((e) => e.Records[0].Sns.Message === m)), "both messages");
  });

  test("a failing asynchronous invocation is retried twice, then dead-lettered; a replay runs it again", async () => {
    await client.request(Requests.topicsPublish, { topic: "flaky-topic", messages: ["boom"] });
    await waitFor(async () => (await client.request(Requests.asyncList, { function: "flaky" })).dead.length === 1, "the dead letter", 15_000);
    assert.equal(eventsOf("flaky").length, 3, "one attempt and two retries");
    const [dead] = (await client.request(Requests.asyncList, { function: "flaky" })).dead;
    assert.equal(dead.attempts, 3);
    assert.equal(dead.source, "topic:flaky-topic");
    assert.deepEqual(dead.lastError && { type: dead.lastError.errorType, message: dead.lastError.errorMessage }, { type: "Error", message: "downstream is down" });
    const listing = await runCliAsync(["dlq", "list", "flaky", "--project", daemon.engine.root]);
    assert.match(listing.stdout, new RegExp(`${dead.id}\\s+flaky\\s+topic:flaky-topic\\s+3 attempts\\s+Error: downstream is down`));
    assert.deepEqual(await client.request(Requests.asyncReplay, { id: dead.id }), { replayed: true });
    await waitFor(() => eventsOf("flaky").length === 6, "three more attempts after the replay", 15_000);
  });

  test("a file created or deleted in a bucket folder gives the storage event; other suffixes do not", async () => {
    const folder = bucketFolder(daemon.engine.root, "uploads");
    writeFileSync(join(folder, "report.txt"), "hello bucket");
    writeFileSync(join(folder, "photo.png"), "not a match");
    await waitFor(() => eventsOf("uploads-aws").length === 1, "the created event");
    const created = eventsOf("uploads-aws")[0].Records[0];
    assert.equal(created.eventName, "ObjectCreated:Put");
    assert.equal(created.s3.bucket.name, "uploads");
    assert.equal(created.s3.object.key, "report.txt");
    assert.equal(created.s3.object.size, 12);
    rmSync(join(folder, "report.txt"));
    await waitFor(() => eventsOf("uploads-aws").length === 2, "the deleted event");
    assert.equal(eventsOf("uploads-aws")[1].Records[0].eventName, "ObjectRemoved:Delete");
  });

  test("a folder of files removed at once gives a delete event for each file in it, and none for the folders", async () => {
    const folder = bucketFolder(daemon.engine.root, "uploads");
    const before = eventsOf("uploads-aws").length;
    mkdirSync(join(folder, "reports", "2024"), { recursive: true });
    writeFileSync(join(folder, "reports", "2024", "a.txt"), "a");
    writeFileSync(join(folder, "reports", "2024", "b.txt"), "b");
    await waitFor(() => eventsOf("uploads-aws").length === before + 2, "two created events");
    rmSync(join(folder, "reports"), { recursive: true });
    await waitFor(() => eventsOf("uploads-aws").length === before + 4, "two deleted events");
    const removed = eventsOf("uploads-aws").slice(before + 2).map((e) => [e.Records[0].eventName, e.Records[0].s3.object.key]).sort();
    assert.deepEqual(removed, [["ObjectRemoved:Delete", "reports/2024/a.txt"], ["ObjectRemoved:Delete", "reports/2024/b.txt"]]);
  });
});

test("queued events survive an emulator killed with SIGKILL: after a restart each is delivered", async () => {
  await requireDocker();
  const root = copyFixture("triggers");
  const start = () => spawnCliStart(root);
  const first = start();
  await waitFor(() => runCli(["status", "--project", root, "--json"]).status === 0, "the first emulator", 20_000);
  const published = runCli(["publish", "slow", "--message", "m1", "--message", "m2", "--message", "m3", "--project", root]);
  assert.equal(published.status, 0, published.stderr);
  await waitFor(() => /EVENT/.test(first.output()), "a delivery to be in flight");
  first.child.kill("SIGKILL");
  await new Promise((r) => first.child.once("exit", r));

  const second = start();
  try {
    await waitFor(() => (second.output().match(/DONE /g) ?? []).length >= 3, `the three messages to be processed after the restart:\n${second.output()}`, 30_000);
    const done = new Set([...second.output().matchAll(/DONE ([0-9a-f-]+)/g)].map((m) => m[1]));
    assert.equal(done.size, 3, "each message is processed to completion after the restart");
    // The three messages, and any timer event that was pending too.
    assert.match(second.output(), /delivering [3-9] asynchronous event\(s\) left pending by an earlier run/);
  } finally {
    second.child.kill("SIGTERM");
    await new Promise((r) => second.child.once("exit", r));
  }
});

test("no container is left once the daemons have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
