import type { CreateTriggerRequest, Trigger, UpdateTriggerRequest } from "tencentcloud-sdk-nodejs-scf/tencentcloud/services/scf/v20180416/scf_models";
import type { FunctionSpec, HttpRoute, TimerTrigger } from "../project/spec";
import type { TriggerPlan } from "./types";

export interface ScfTriggerStep {
  plan: TriggerPlan;
  create?: CreateTriggerRequest;
  update?: UpdateTriggerRequest;
}

/** The name Faasbox gives the function URL it creates for a function's HTTP routes. */
export const SCF_URL_TRIGGER_NAME = "faasbox-url";

/**
 * The manifest's triggers against the function's current ones (GetFunction's Triggers).
 *
 * - timer: created with CreateTrigger (Type timer, TriggerDesc the cron as written, Enable
 *   OPEN/CLOSE, CustomArgument the argument); one of the same name whose cron, state or
 *   argument differs is updated with UpdateTrigger.
 * - apigw routes: CreateTrigger no longer takes apigw (its Type list is cos, cls, timer,
 *   ckafka, http), so the routes become one public function URL (Type http, AuthType NONE,
 *   internet access), whose event is API Gateway's format minus a few fields. An existing
 *   http trigger is left as it is.
 * - CMQ/CKafka/COS: skipped with a note; they need instance and bucket details only the
 *   console or the Serverless CLI sets up.
 *
 * Triggers in the cloud that the manifest lacks are never deleted.
 */
export function planScfTriggers(spec: FunctionSpec, functionName: string, namespace: string, existing: readonly Trigger[]): ScfTriggerStep[] {
  const steps: ScfTriggerStep[] = [];
  for (const timer of spec.triggers.filter((t): t is TimerTrigger => t.kind === "timer")) {
    steps.push(timerStep(spec, timer, functionName, namespace, existing));
  }
  const routes = spec.triggers.filter((t): t is HttpRoute => t.kind === "http");
  if (routes.length > 0) steps.push(urlStep(routes, functionName, namespace, existing));
  for (const trigger of spec.triggers) {
    if (trigger.kind === "topic" || trigger.kind === "storage") {
      const type = trigger.kind === "storage" ? "cos" : trigger.source === "queue" ? "ckafka" : "cmq";
      steps.push({
        plan: {
          type,
          name: trigger.name,
          action: "skip",
          detail: trigger.kind === "storage" ? trigger.bucket : trigger.topic,
          note: `${type} triggers are not deployed by Faasbox; add it in the SCF console (Triggers tab)`,
        },
      });
    }
    if (trigger.kind === "database") {
      // faasbox.yml's plain change event is local only: in the cloud, a DTS data subscription feeds CKafka and a ckafka trigger reads it.
      steps.push({
        plan: {
          type: "database",
          name: trigger.name,
          action: "skip",
          detail: `database ${trigger.source}`,
          note: "local only: in SCF, subscribe the database with DTS (Kafka edition, JSON) and add a ckafka trigger on its topic",
        },
      });
    }
  }
  return steps;
}

function timerStep(spec: FunctionSpec, timer: TimerTrigger, functionName: string, namespace: string, existing: readonly Trigger[]): ScfTriggerStep {
  if (spec.dialect !== "scf") {
    // AWS counts weekdays 1-7 and has rate(); SCF 0-6 with seconds. A silent conversion could fire at the wrong time.
    return { plan: { type: "timer", name: timer.name, action: "skip", detail: timer.schedule, note: "AWS schedule expressions are not converted; add an SCF timer (7-field cron) in serverless.yml" } };
  }
  const enable = timer.enabled ? "OPEN" : "CLOSE";
  const detail = `${timer.schedule}${timer.enabled ? "" : " (disabled)"}`;
  const argument = timer.message ?? "";
  const current = existing.find((t) => t.Type === "timer" && t.TriggerName === timer.name);
  const request = { FunctionName: functionName, Namespace: namespace, TriggerName: timer.name, Type: "timer", TriggerDesc: timer.schedule, Enable: enable, CustomArgument: argument || undefined };
  if (!current) return { plan: { type: "timer", name: timer.name, action: "create", detail }, create: request };
  const same = timerCron(current.TriggerDesc) === timer.schedule && (current.Enable === 1) === timer.enabled && (current.CustomArgument ?? "") === argument;
  if (same) return { plan: { type: "timer", name: timer.name, action: "unchanged", detail } };
  return { plan: { type: "timer", name: timer.name, action: "update", detail: `${timerCron(current.TriggerDesc)} → ${detail}` }, update: request };
}

/** SCF reports a timer's TriggerDesc as {"cron": "..."}; the request takes the bare cron. */
export function timerCron(desc: string | undefined): string {
  if (!desc) return "";
  try {
    const parsed: unknown = JSON.parse(desc);
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { cron?: unknown }).cron === "string") return (parsed as { cron: string }).cron;
  } catch {
    // Not JSON: the bare cron, as sent.
  }
  return desc;
}

function urlStep(routes: readonly HttpRoute[], functionName: string, namespace: string, existing: readonly Trigger[]): ScfTriggerStep {
  const paths = routes.map((r) => `${r.method} ${r.path}`).join(", ");
  const current = existing.find((t) => t.Type === "http");
  const note = `one public function URL serves ${paths}; API Gateway itself is not configured`;
  if (current) return { plan: { type: "http", name: current.TriggerName ?? SCF_URL_TRIGGER_NAME, action: "unchanged", detail: "function URL", note } };
  const desc: Record<string, unknown> = { AuthType: "NONE", NetConfig: { EnableIntranet: false, EnableExtranet: true } };
  if (routes.some((r) => r.cors)) {
    const all = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    const methods = routes.some((r) => r.method === "ANY") ? all : [...new Set(routes.map((r) => r.method))];
    desc.CorsConfig = { Enable: true, Origins: ["*"], Headers: ["*"], Methods: methods };
  }
  return {
    plan: { type: "http", name: SCF_URL_TRIGGER_NAME, action: "create", detail: "function URL, public (AuthType NONE)", note },
    create: { FunctionName: functionName, Namespace: namespace, TriggerName: SCF_URL_TRIGGER_NAME, Type: "http", TriggerDesc: JSON.stringify(desc), Enable: "OPEN" },
  };
}
