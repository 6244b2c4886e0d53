import { relative } from "node:path";
import { qualifiedName, type DatabaseSourceSpec } from "../../project/databaseSources";
import type { ProjectSpec } from "../../project/spec";
import { consumersOf } from "./consumers";
import type { ConsumerPlan, SourceRef } from "./databaseTriggers";

/**
 * The project's database consumers as the daemon runs them. Messages about a source start with
 * where its URL is written (`faasbox.yml:3: databases.shop.url`), as manifest problems do, so
 * terminals and the editor link them.
 */
/** Every source of the project, used or not: the databases whose unused slots of this project are dropped. */
export function sourceRefs(root: string, project: Pick<ProjectSpec, "databases">): SourceRef[] {
  return (project.databases ?? []).map((source) => ({ url: source.url.url, label: labelOf(root, source) }));
}

function labelOf(root: string, source: DatabaseSourceSpec): string {
  const at = source.urlAt;
  return `${relative(root, at.file) || at.file}:${at.line}: ${at.field}`;
}

export function consumerPlans(root: string, project: Pick<ProjectSpec, "functions" | "databases">): ConsumerPlan[] {
  return consumersOf(project).map((consumer) => {
    return {
      functionName: consumer.fn.name,
      triggerName: consumer.trigger.name,
      source: {
        name: consumer.source.name,
        url: consumer.source.url.url,
        tables: consumer.source.tables.map(qualifiedName),
        operations: consumer.source.operations,
        ...(consumer.source.columns ? { columns: consumer.source.columns } : {}),
        label: labelOf(root, consumer.source),
      },
      sourceLabel: consumer.sourceLabel,
      toEvent: (changes) => consumer.toEvent(changes),
      batching: consumer.batching,
    };
  });
}
