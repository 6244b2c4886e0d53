import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { missingModuleHint } from "../core/runtime/missingModuleHint";
import { Engine } from "../core/engine";
import { toInvokeResult } from "../core/invoke/invocationReport";
import { formatLogLine } from "../core/logs/formatLog";
import { Requests, type InvokeResult } from "../protocol";
import { connectToRunning } from "./connect";
import { hasManifestFlags, MANIFEST_FLAGS, MANIFEST_USAGE, parseCommandArgs, parseExecutor, parseManifestOptions, UsageError } from "./args";
import { CredentialError } from "../credentials/functionCredentials";
import { invokeWithResponseStream, printStreamedEnd, StdoutStream } from "./streamedInvoke";

export const INVOKE_USAGE = `faasbox invoke FUNCTION [--project DIR] [--event FILE|-] [--stream] [--executor docker|process|auto] [--profile AWS_PROFILE] [--no-credentials] ${MANIFEST_USAGE}
  A function that streams its response (awslambda.streamifyResponse, a custom runtime in streaming mode)
  has its bytes printed on stdout as they arrive, instead of a JSON result. Through a running emulator,
  --stream does the same with InvokeWithResponseStream on its Invoke API (logs: the last 4 KB).`;

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

/** Prints the result on stdout and the logs on stderr; exit 0 on success, 1 on a function error. */
export function printInvokeResult(result: InvokeResult): number {
  for (const record of result.logs) process.stderr.write(`${formatLogLine(record)}\n`);
  if (result.ok) {
    // Always JSON, as the CLI contract says: a custom runtime's plain text is a JSON string here.
    process.stdout.write(`${JSON.stringify(result.result, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${JSON.stringify(result.error, null, 2)}\n`);
  process.stderr.write(`error: ${result.function} failed (${result.errorKind}): ${result.error?.errorType}: ${result.error?.errorMessage}\n`);
  return 1;
}

export async function invokeCommand(argv: string[]): Promise<number> {
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
  const root = resolve(values.project ?? ".");
  const eventText = readEventText(values.event);
  const manifest = parseManifestOptions("invoke", values);
  // A running emulator for the project serves the invocation on its warm instances.
  const running = await connectToRunning(root);
  if (running) {
    if (hasManifestFlags(values)) {
      process.stderr.write("warning: an emulator already runs for this project; its own manifest settings are used, not --stage/--region/--parameter-overrides/--parameters-file/--env-vars/--template\n");
    }
    try {
      if (values.stream) {
        if (!running.info.invokeUrl) throw new Error("the running emulator serves no Invoke API, which --stream needs");
        return await invokeWithResponseStream(running.info.invokeUrl, name, eventText);
      }
      return printInvokeResult(await running.client.request(Requests.invoke, { function: name, eventText }));
    } catch (error) {
      throw new UsageError(`faasbox invoke: ${(error as Error).message}`);
    } finally {
      running.client.dispose();
    }
  }
  const credentials = { disabled: values["no-credentials"], profile: values.profile?.trim() || undefined };
  const emulator = await Engine.create({ root, executor: parseExecutor("invoke", values.executor), watch: false, manifest, credentials }).catch((error: unknown) => {
    if (error instanceof CredentialError) throw new UsageError(`faasbox invoke: ${error.message}`);
    throw error;
  });
  try {
    for (const warning of emulator.warnings) process.stderr.write(`warning: ${warning}\n`);
    for (const problem of emulator.problems) process.stderr.write(`error: ${problem.message}\n`);
    for (const warning of emulator.manifestWarnings) process.stderr.write(`warning: ${warning.message}\n`);
    const stdoutStream = new StdoutStream();
    const result = toInvokeResult(await emulator.run(name, Buffer.from(eventText), { keepLogs: true, stream: stdoutStream }));
    const status = stdoutStream.streamed ? printStreamedEnd(result) : printInvokeResult(result);
    // The runtime's start-up lines belong to no invocation; the emulator's hint about a missing package is repeated here.
    const spec = emulator.functions().find((fn) => fn.name === name);
    const hint = spec && result.errorKind === "init" && result.error ? missingModuleHint(spec, result.error) : undefined;
    if (hint) process.stderr.write(`${hint}\n`);
    return status;
  } finally {
    await emulator.shutdown();
  }
}
