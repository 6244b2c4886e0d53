import { missingModuleHint } from "../core/runtime/missingModuleHint";
import { Engine } from "../core/engine";
import { toInvokeResult } from "../core/invoke/invocationReport";
import { parseExecutor, parseManifestOptions, UsageError } from "./args";
import { CredentialError } from "../credentials/functionCredentials";
import { parseInvokeArgs, readEventText } from "./invokeArgs";
import { printInvokeResult } from "./printInvokeResult";
import { printStreamedEnd, StdoutStream } from "./streamedInvoke";

/** `faasbox invoke` when no emulator runs for the project: an engine in this process runs the function once, then stops. */
export async function invokeLocallyCommand(argv: string[]): Promise<number> {
  const { name, root, values } = parseInvokeArgs(argv);
  const eventText = readEventText(values.event);
  const manifest = parseManifestOptions("invoke", values);
  const credentials = { disabled: values["no-credentials"], profile: values.profile?.trim() || undefined };
  // One call and gone: a standby would be made only to be removed.
  const emulator = await Engine.create({ root, executor: parseExecutor("invoke", values.executor), watch: false, manifest, credentials, standby: { enabled: false } }).catch((error: unknown) => {
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
