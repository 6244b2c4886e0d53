import { relative } from "node:path";
import { qualifiedName } from "../../project/databaseSources";
import type { ProjectSpec } from "../../project/spec";
import { consumersOf } from "./consumers";
import type { ConsumerPlan } from "./databaseTriggers";

/**
 * The project's database consumers as the daemon runs them. Messages about a source start with
 * where its URL is written (`faasbox.yml:3: databases.shop.url`), as manifest problems do, so
 * terminals and the editor link them.
 */
export function consumerPlans(root: string, project: Pick<ProjectSpec, "functions" | "databases">): ConsumerPlan[] {
  return consumersOf(project).map((consumer) => {
    const at = consumer.source.urlAt;
    return {
      functionName: consumer.fn.name,
      triggerName: consumer.trigger.name,
      source: {
        name: consumer.source.name,
        url: consumer.source.url.url,
        tables: consumer.source.tables.map(qualifiedName),
        operations: consumer.source.operations,
        ...(consumer.source.columns ? { columns: consumer.source.columns } : {}),
        label: `${relative(root, at.file) || at.file}:${at.line}: ${at.field}`,
      },
      sourceLabel: consumer.sourceLabel,
      toEvent: (changes) => consumer.toEvent(changes),
      batching: consumer.batching,
    };
  });
}
