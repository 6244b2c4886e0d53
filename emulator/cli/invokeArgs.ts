import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { MANIFEST_FLAGS, MANIFEST_USAGE, parseCommandArgs, UsageError } from "./args";

export const INVOKE_USAGE = `faasbox invoke FUNCTION [--project DIR] [--event FILE|-] [--stream] [--executor docker|process|auto] [--profile AWS_PROFILE] [--no-credentials] ${MANIFEST_USAGE}
  A function that streams its response (awslambda.streamifyResponse, a custom runtime in streaming mode)
  has its bytes printed on stdout as they arrive, instead of a JSON result. Through a running emulator,
  --stream does the same with InvokeWithResponseStream on its Invoke API (logs: the last 4 KB).`;

/**
 * `faasbox invoke`'s command line, read the same way by both of its paths: through a running
 * emulator (invoke.ts) and in this process (invokeLocally.ts).
 */
export function parseInvokeArgs(argv: string[]) {
  const { values, positionals } = parseCommandArgs("invoke", argv, {
    project: { type: "string" },
    event: { type: "string" },
    stream: { type: "boolean" },
    executor: { type: "string" },
    profile: { type: "string" },
    "no-credentials": { type: "boolean" },
    ...MANIFEST_FLAGS,
  });
  const name = positionals[0];
  if (!name) throw new UsageError(`faasbox invoke: which function? Usage: ${INVOKE_USAGE}`);
  return { name, root: resolve(values.project ?? "."), values };
}

/** The event as the user wrote it (checked to be JSON), which the function receives byte for byte. */
export function readEventText(source: string | undefined, stdin: () => string = () => readFileSync(0, "utf8")): string {
  if (source === undefined) return "{}";
  const text = source === "-" ? stdin() : readFileSync(source, "utf8");
  if (text.trim() === "") return "{}";
  try {
    JSON.parse(text);
    return text;
  } catch (error) {
    const where = source === "-" ? "standard input" : source;
    throw new UsageError(`faasbox invoke: the event in ${where} is not valid JSON: ${(error as Error).message}`);
  }
}
