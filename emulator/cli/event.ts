import { SAMPLE_DESCRIPTIONS, SAMPLE_TYPES, sampleEvent, type SampleType } from "../triggers/events/samples";
import { parseCommandArgs, UsageError } from "./args";

export const EVENT_USAGE = `faasbox event generate TYPE [--dialect scf|aws]   (TYPE: ${SAMPLE_TYPES.join(", ")})`;

/** Prints a realistic event of a trigger type in a cloud's shape, to edit and invoke with. */
export async function eventCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("event", argv, { dialect: { type: "string" } });
  const [action, type] = positionals;
  if (action !== "generate") throw new UsageError(`faasbox event: expected 'generate'. Usage: ${EVENT_USAGE}`);
  if (!type || !SAMPLE_TYPES.includes(type as SampleType)) {
    const list = SAMPLE_TYPES.map((t) => `  ${t.padEnd(12)} ${SAMPLE_DESCRIPTIONS[t]}`).join("\n");
    throw new UsageError(`faasbox event generate: ${type ? `unknown type "${type}"` : "which type?"}; expected one of:\n${list}`);
  }
  const dialect = values.dialect ?? "aws";
  if (dialect !== "scf" && dialect !== "aws") throw new UsageError(`faasbox event generate: --dialect must be scf or aws, got "${dialect}"`);
  console.log(JSON.stringify(sampleEvent(type as SampleType, dialect), null, 2));
  return 0;
}
