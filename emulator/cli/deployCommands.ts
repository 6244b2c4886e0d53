import { deployCommand, packageCommand } from "./deploy";
import { runCommand } from "./runCommand";

// The extension's deploy command loads these from this bundle too, rather than carrying its own copy of the SDKs.
export { createDeployProvider, packageFunction } from "../deploy";

// `package` and `deploy`: the entry of dist/cli-deploy.js (the clouds' SDKs), which dist/cli-engine.js
// loads only for them, so a running emulator never holds that code. This bundle has its own copy of
// UsageError, so it runs the commands through its own runCommand (see runCommand.ts).
export function runDeployCommand(name: "package" | "deploy", argv: string[]): Promise<number> {
  return runCommand(name === "package" ? packageCommand : deployCommand, argv);
}
