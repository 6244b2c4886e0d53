import { resolve } from "node:path";
import { Requests } from "../protocol";
import { parseCommandArgs, UsageError } from "./args";
import { connectToRunning } from "./connect";
import { publishTarget, SOURCE_OPTIONS, type PublishTarget } from "./publishSources";

export const PUBLISH_USAGE = "faasbox publish TOPIC --message TEXT [--message TEXT…] [--subject S] [--project DIR]";
export const TIMERS_USAGE = "faasbox timers [list | enable|disable|fire FUNCTION TRIGGER] [--project DIR]";
export const DLQ_USAGE = "faasbox dlq [list [FUNCTION] | replay ID] [--project DIR]";

/** These act on a running emulator: its topics, timers and queues live there. */
async function running(command: string, project: string | undefined) {
  const root = resolve(project ?? ".");
  const connection = await connectToRunning(root);
  if (!connection) throw new UsageError(`faasbox ${command}: no Faasbox emulator is running for ${root}; start one with 'faasbox start ${root}'`);
  return connection.client;
}

export async function publishCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("publish", argv, {
    project: { type: "string" },
    message: { type: "string", multiple: true },
    subject: { type: "string" },
    ...SOURCE_OPTIONS,
  });
  const target = publishTarget(values);
  if (target) return publishToSource(target, values.project);
  const topic = positionals[0];
  if (!topic || !values.message?.length) throw new UsageError(`faasbox publish: a topic and at least one --message are required. Usage: ${PUBLISH_USAGE}`);
  const client = await running("publish", values.project);
  try {
    const { subscribers } = await client.request(Requests.topicsPublish, { topic, messages: values.message, subject: values.subject });
    console.log(`published ${values.message.length} message(s) to ${topic}: ${subscribers} function(s) subscribed`);
    if (subscribers === 0) console.error(`warning: no function subscribes to "${topic}"`);
    return 0;
  } finally {
    client.dispose();
  }
}

/** An EventBridge event (PutEvents), Kinesis records or a DynamoDB item change. */
async function publishToSource(target: PublishTarget, project: string | undefined): Promise<number> {
  const client = await running("publish", project);
  try {
    if (target.kind === "event") {
      const { bus, source, detailType, detail, resources } = target;
      const { rules } = await client.request(Requests.eventsPut, { bus, source, detailType, detail, resources });
      console.log(`put 1 event on bus ${target.bus}: ${rules.length} rule(s) matched${rules.length ? ` (${rules.join(", ")})` : ""}`);
      if (rules.length === 0) console.error(`warning: no enabled rule on bus "${target.bus}" matches this event`);
      return 0;
    }
    if (target.note) console.error(`note: ${target.note}`);
    const { consumers } = await client.request(Requests.streamsPut, target.params);
    const what = target.params.kind === "kinesis" ? `Kinesis stream ${target.params.stream}` : `the stream of DynamoDB table ${target.params.stream}`;
    console.log(`put ${target.params.records.length} record(s) on ${what}: ${consumers} function(s) read it`);
    if (consumers === 0) console.error(`warning: no function reads ${what}`);
    return 0;
  } finally {
    client.dispose();
  }
}

export async function timersCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("timers", argv, { project: { type: "string" }, json: { type: "boolean" } });
  const [action = "list", fn, trigger] = positionals;
  const client = await running("timers", values.project);
  try {
    if (action === "list") {
      const { timers, problems } = await client.request(Requests.triggersList);
      if (values.json) console.log(JSON.stringify(timers, null, 2));
      else {
        for (const t of timers) {
          const next = t.nextFire ? new Date(t.nextFire).toISOString() : "—";
          console.log(`${t.function.padEnd(20)} ${t.name.padEnd(20)} ${t.enabled ? "enabled " : "disabled"} next ${next}  ${t.schedule}${t.timezone ? ` (${t.timezone})` : ""}`);
        }
        if (timers.length === 0) console.log("no timers");
      }
      for (const problem of problems) console.error(`problem: ${problem}`);
      return 0;
    }
    if (!["enable", "disable", "fire"].includes(action) || !fn || !trigger) throw new UsageError(`faasbox timers: usage: ${TIMERS_USAGE}`);
    const { ok } = action === "fire"
      ? await client.request(Requests.timersFire, { function: fn, trigger })
      : await client.request(Requests.timersSetEnabled, { function: fn, trigger, enabled: action === "enable" });
    if (!ok) {
      console.error(`faasbox timers: ${fn} has no timer named "${trigger}"`);
      return 1;
    }
    console.log(`${action === "fire" ? "fired" : `${action}d`} ${fn} / ${trigger}`);
    return 0;
  } finally {
    client.dispose();
  }
}

export async function dlqCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("dlq", argv, { project: { type: "string" }, json: { type: "boolean" } });
  const [action = "list", arg] = positionals;
  const client = await running("dlq", values.project);
  try {
    if (action === "list") {
      const { dead, pending } = await client.request(Requests.asyncList, { function: arg });
      if (values.json) console.log(JSON.stringify({ dead, pending }, null, 2));
      else {
        for (const e of dead) console.log(`${e.id}  ${e.function}  ${e.source}  ${e.attempts} attempts  ${e.lastError ? `${e.lastError.errorType}: ${e.lastError.errorMessage}` : ""}`);
        console.log(`${dead.length} dead-lettered, ${pending.length} pending`);
      }
      return 0;
    }
    if (action !== "replay" || !arg) throw new UsageError(`faasbox dlq: usage: ${DLQ_USAGE}`);
    const { replayed } = await client.request(Requests.asyncReplay, { id: arg });
    if (!replayed) {
      console.error(`faasbox dlq: no dead-lettered event ${arg}`);
      return 1;
    }
    console.log(`replaying ${arg}`);
    return 0;
  } finally {
    client.dispose();
  }
}
