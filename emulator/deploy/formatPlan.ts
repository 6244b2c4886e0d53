import { checkSizeLimits, formatBytes } from "./limits";
import type { DeployPlan, DeployTarget, PackagedFunction, TriggerAction } from "./types";

const TRIGGER_MARKS: Record<TriggerAction, string> = { create: "+", update: "~", unchanged: "=", skip: "-" };

/** A plan as the CLI prints it (the editor shows the same fields its own way). */
export function formatPlan(plan: DeployPlan): string {
  const where = plan.namespace ? `${plan.region}/${plan.namespace}` : plan.region;
  const lines = [`${plan.provider} ${plan.functionName} (${where}): ${plan.action}`, `  as ${plan.identity}`];
  const code = `${files(plan.packaged.files.length)}, ${formatBytes(plan.packaged.size)}, sha256 ${plan.packaged.sha256.slice(0, 12)}…`;
  const sent = plan.action === "create" || plan.codeChanged;
  lines.push(`  code: ${code}: ${plan.action === "create" ? "new" : plan.codeChanged ? "changed, will be uploaded" : "unchanged, not uploaded"}`);
  if (plan.codeBucket && sent) lines.push(`  code goes through the bucket: ${plan.codeBucket.url} (too large to send in the deploy request)`);
  if (plan.configChanges.length > 0) {
    lines.push(plan.action === "create" ? "  configuration:" : "  configuration changes:");
    for (const change of plan.configChanges) lines.push(`    ${change.field}: ${change.from} → ${change.to}`);
  } else if (plan.action !== "create") {
    lines.push("  configuration: unchanged");
  }
  if (plan.triggers.length > 0) {
    lines.push("  triggers:");
    for (const trigger of plan.triggers) {
      const note = trigger.note ? ` (${trigger.note})` : "";
      lines.push(`    ${TRIGGER_MARKS[trigger.action]} ${trigger.type} ${trigger.name}: ${trigger.action === "skip" ? "skipped" : trigger.action}, ${trigger.detail}${note}`);
    }
  }
  for (const warning of [...plan.packaged.warnings, ...plan.warnings]) lines.push(`  warning: ${warning}`);
  for (const blocker of plan.blockers) lines.push(`  ✗ ${blocker}`);
  lines.push(`  console: ${plan.consoleUrl}`);
  return lines.join("\n");
}

/** `faasbox package`'s summary: size, file count, hash, and the target cloud's limits. */
export function formatPackage(name: string, out: string, packaged: PackagedFunction, target: DeployTarget, codeBucket?: string): { text: string; ok: boolean } {
  const check = checkSizeLimits(target, packaged, { codeBucket });
  const lines = [
    `${name}: ${out}`,
    `  ${files(packaged.files.length)}, ${formatBytes(packaged.size)} zipped, ${formatBytes(packaged.unzippedSize)} unzipped`,
    `  sha256 ${packaged.sha256}`,
    ...check.lines.map((line) => `  ${check.ok ? "✓" : "·"} ${line}`),
    ...check.problems.map((problem) => `  ✗ ${problem}`),
    ...packaged.warnings.map((warning) => `  warning: ${warning}`),
  ];
  return { text: lines.join("\n"), ok: check.ok };
}

function files(count: number): string {
  return count === 1 ? "1 file" : `${count} files`;
}
