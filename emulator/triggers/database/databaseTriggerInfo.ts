import type { DatabaseTriggerInfo } from "../../protocol";
import type { ProjectSpec } from "../../project/spec";
import { consumersOf, tableNames } from "./consumers";
import type { ConsumerState } from "./databaseTriggers";

/**
 * The database triggers as `faasbox triggers` and the editor list them: every consumer of the
 * project, with how its source is doing (running, failing and why) and its slot's lag when the
 * emulator runs it. The URL is always the masked one.
 */
export function databaseTriggerInfos(project: Pick<ProjectSpec, "functions" | "databases">, states: readonly ConsumerState[]): DatabaseTriggerInfo[] {
  return consumersOf(project).map((consumer) => {
    const state = states.find((s) => s.functionName === consumer.fn.name && s.triggerName === consumer.trigger.name);
    return {
      function: consumer.fn.name,
      trigger: consumer.trigger.name,
      source: consumer.source.name,
      url: consumer.source.url.masked,
      tables: tableNames(consumer.source),
      shape: consumer.shape,
      at: { file: consumer.source.at.file, line: consumer.source.at.line },
      ...(state?.lagBytes !== undefined ? { lagBytes: state.lagBytes } : {}),
      ...(state ? { status: state.status } : {}),
      ...(state?.error ? { error: state.error } : {}),
    };
  });
}
