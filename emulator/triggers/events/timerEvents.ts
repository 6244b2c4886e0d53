import { randomUUID } from "node:crypto";
import type { Dialect } from "../../project/spec";
import { LOCAL_ACCOUNT_ID } from "../../project/localAccount";

export interface TimerEventInput {
  triggerName: string;
  functionName: string;
  region: string;
  time: Date;
  message?: string;
  /** AWS: a schedule's Input replaces the whole event, as EventBridge does. */
  input?: unknown;
}

/** SCF's Timer event, or EventBridge's Scheduled Event for Lambda. */
export function timerEvent(dialect: Dialect, t: TimerEventInput): unknown {
  const time = t.time.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (dialect === "scf") return { Type: "Timer", TriggerName: t.triggerName, Time: time, Message: t.message ?? "" };
  if (t.input !== undefined) return t.input;
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: LOCAL_ACCOUNT_ID,
    time,
    region: t.region,
    resources: [`arn:aws:events:${t.region}:${LOCAL_ACCOUNT_ID}:rule/${t.functionName}-${t.triggerName}`],
    detail: {},
  };
}
