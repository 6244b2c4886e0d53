import { Requests } from "../protocol";
import { hasManifestFlags, parseManifestOptions, UsageError } from "./args";
import { connectToRunning } from "./connect";
import { parseInvokeArgs, readEventText } from "./invokeArgs";
import { printInvokeResult } from "./printInvokeResult";

/**
 * `faasbox invoke`: a running emulator for the project serves the invocation on its warm instances.
 * Without one the function runs in this process, and only then is the engine loaded (./engineCommands,
 * a bundle of its own), so an invocation of a warm emulator starts as fast as `status`.
 */
export async function invokeCommand(argv: string[]): Promise<number> {
  const { name, root, values } = parseInvokeArgs(argv);
  // Asked before the event is read: standard input can be read once, and the local path reads it itself.
  const running = await connectToRunning(root);
  if (!running) return (await import("./engineCommands")).runEngineCommand("invoke", argv);
  try {
    const eventText = readEventText(values.event);
    // Checked as the local path checks them, although a running emulator keeps its own settings.
    parseManifestOptions("invoke", values);
    if (hasManifestFlags(values)) {
      process.stderr.write("warning: an emulator already runs for this project; its own manifest settings are used, not --stage/--region/--parameter-overrides/--parameters-file/--env-vars/--template\n");
    }
    try {
      if (values.stream) {
        if (!running.info.invokeUrl) throw new Error("the running emulator serves no Invoke API, which --stream needs");
        // Loaded for --stream only: no other invocation needs its event-stream decoder.
        return await (await import("./streamedInvoke")).invokeWithResponseStream(running.info.invokeUrl, name, eventText);
      }
      return printInvokeResult(await running.client.request(Requests.invoke, { function: name, eventText }));
    } catch (error) {
      throw new UsageError(`faasbox invoke: ${(error as Error).message}`);
    }
  } finally {
    running.client.dispose();
  }
}
