import { WEB_INIT_TIMEOUT_SEC, type WebFunction } from "./spec";
import type { YamlField } from "./yamlSource";

/**
 * The settings of an SCF Web function as the three manifests write them. The SCF API takes
 * `Type: HTTP` for a web function and `EVENT` for the rest, and InstanceConcurrencyConfig "只支持Web函数"
 * with MaxConcurrency in [1, 100] (CreateFunction: https://cloud.tencent.com/document/api/583/18586);
 * the scf component writes `type: web | event` (https://github.com/serverless-components/tencent-scf/blob/master/docs/configure.md).
 */
export interface WebFields {
  /** The field naming the type; `web` the value meaning a web function, `event` the other one. */
  type: YamlField;
  web: string;
  event: string;
  /** MaxConcurrency, where the manifest has it. */
  concurrency?: YamlField;
  /** The init timeout in seconds, where the manifest has it. */
  initTimeout?: YamlField;
  /** An event function with `concurrency` set: refused (the default), or left to the caller to warn about. */
  concurrencyOnEvent?: "refuse" | "ignore";
}

const MAX_INSTANCE_CONCURRENCY = 100;
const INIT_TIMEOUT_RANGE = [3, 300] as const;

/** The web settings, or undefined for an event function; throws at the field that is wrong. */
export function readWebFunction(fields: WebFields): WebFunction | undefined {
  const expected = `${fields.event} (an event function, the default) or ${fields.web} (a web function started by scf_bootstrap)`;
  const type = fields.type.string(expected);
  if (type !== undefined && type.toLowerCase() !== fields.web.toLowerCase() && type.toLowerCase() !== fields.event.toLowerCase()) throw fields.type.wrongType(expected);
  const isWeb = type !== undefined && type.toLowerCase() === fields.web.toLowerCase();
  if (!isWeb) {
    if (fields.concurrency?.isSet && fields.concurrencyOnEvent !== "ignore") throw fields.concurrency.fail(`per-instance concurrency is for web functions only (SCF's InstanceConcurrencyConfig); set ${fields.type.field}: ${fields.web} or remove it`);
    return undefined;
  }
  const concurrency = fields.concurrency?.integer(`a whole number from 1 to ${MAX_INSTANCE_CONCURRENCY}`, 1);
  if (concurrency !== undefined && concurrency > MAX_INSTANCE_CONCURRENCY) throw fields.concurrency!.wrongType(`a whole number from 1 to ${MAX_INSTANCE_CONCURRENCY}`);
  const rangeText = `a number of seconds from ${INIT_TIMEOUT_RANGE[0]} to ${INIT_TIMEOUT_RANGE[1]}`;
  const initTimeout = fields.initTimeout?.number(rangeText);
  if (initTimeout !== undefined && (initTimeout < INIT_TIMEOUT_RANGE[0] || initTimeout > INIT_TIMEOUT_RANGE[1])) throw fields.initTimeout!.wrongType(rangeText);
  return { instanceConcurrency: concurrency ?? 1, initTimeoutSec: initTimeout ?? WEB_INIT_TIMEOUT_SEC };
}
