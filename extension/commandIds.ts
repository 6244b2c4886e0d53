// The extension's commands, listed once: their ids, their argument types and whether they
// need a workspace folder. Free of `vscode` at run time (only type imports), so the unit
// tests can check package.json against it; extension/commands.ts registers and executes
// commands through these types.
import type { InvocationSummary, InvokeResult, TriggerRunResult } from "../emulator/protocol";
import type { AwsCredentialInput, DeployTarget, ScfCredentialInput } from "../emulator/deploy";
import type { DeployOptions, DeployOutcome } from "./deploy/deployCommand";
import type { TreeNode } from "./views/treeNode";

/** A function as commands receive it: its name (CodeLens, API), a tree item, or nothing (palette: pick one). */
export type FunctionTarget = string | TreeNode | undefined;

/** What Run now sent through the trigger, and the invocation that followed (absent if none was reported). */
export type TriggerRunOutcome = TriggerRunResult & { invocation?: InvocationSummary };

/**
 * Every command id with its argument types: a misspelled id or a wrong argument is a
 * compile error wherever the command is registered or executed.
 */
export interface CommandArgs {
  "faasbox.functions.refresh": [];
  "faasbox.emulator.doctor": [];
  "faasbox.emulator.start": [];
  "faasbox.emulator.stop": [];
  "faasbox.emulator.showOutput": [];
  "faasbox.emulator.actions": [];
  "faasbox.function.invoke": [target?: FunctionTarget, event?: unknown];
  "faasbox.function.openInvokePanel": [target?: FunctionTarget];
  "faasbox.function.showLogs": [target?: FunctionTarget];
  "faasbox.function.debug": [target?: FunctionTarget, event?: unknown];
  "faasbox.pickFunction": [];
  "faasbox.function.deploy": [target?: FunctionTarget, options?: DeployOptions];
  /** The cloud's credentials: `target` names the cloud, or a function whose cloud it is (no question which); none: ask. */
  "faasbox.cloud.setCredentials": [target?: DeployTarget | FunctionTarget, credentials?: ScfCredentialInput | AwsCredentialInput];
  "faasbox.logs.showRequest": [functionName: string, requestId: string];
  "faasbox.logs.showAll": [];
  "faasbox.function.new": [];
  "faasbox.metrics.show": [];
  "faasbox.timer.fire": [node: TreeNode];
  "faasbox.timer.enable": [node: TreeNode];
  "faasbox.timer.disable": [node: TreeNode];
  "faasbox.topic.publish": [node?: TreeNode];
  "faasbox.trigger.run": [node?: TreeNode];
  /** A database trigger's row: the function runs with a made-up change in its trigger's shape (no row is written). */
  "faasbox.database.fireSample": [node?: TreeNode];
  /** A function URL's row: its URL to the clipboard. */
  "faasbox.functionUrl.copy": [node?: TreeNode];
}

/** What the commands that callers read an answer from resolve to. */
export interface CommandResults {
  "faasbox.function.invoke": InvokeResult | undefined;
  "faasbox.function.debug": boolean;
  "faasbox.function.deploy": DeployOutcome;
  "faasbox.cloud.setCredentials": boolean;
  "faasbox.emulator.doctor": number;
  "faasbox.trigger.run": TriggerRunOutcome | undefined;
  "faasbox.database.fireSample": TriggerRunOutcome | undefined;
}

export type CommandId = keyof CommandArgs;

interface CommandInfo {
  /** Acts on the workspace folder's functions: without a folder it only says to open one. */
  needsFolder: boolean;
  /** Registered for the code's own use (links, CodeLens), deliberately not in package.json. */
  internal?: true;
}

/** Each command of CommandArgs, no more and no less (`satisfies` rejects a missing or extra id). */
export const COMMANDS = {
  "faasbox.functions.refresh": { needsFolder: true },
  "faasbox.emulator.doctor": { needsFolder: false },
  "faasbox.emulator.start": { needsFolder: true },
  "faasbox.emulator.stop": { needsFolder: true },
  "faasbox.emulator.showOutput": { needsFolder: true },
  "faasbox.emulator.actions": { needsFolder: true },
  "faasbox.function.invoke": { needsFolder: true },
  "faasbox.function.openInvokePanel": { needsFolder: true },
  "faasbox.function.showLogs": { needsFolder: true },
  "faasbox.function.debug": { needsFolder: true },
  "faasbox.pickFunction": { needsFolder: true },
  "faasbox.function.deploy": { needsFolder: true },
  "faasbox.cloud.setCredentials": { needsFolder: true },
  "faasbox.logs.showRequest": { needsFolder: true },
  "faasbox.logs.showAll": { needsFolder: true },
  "faasbox.function.new": { needsFolder: false },
  "faasbox.metrics.show": { needsFolder: true },
  "faasbox.timer.fire": { needsFolder: true },
  "faasbox.timer.enable": { needsFolder: true },
  "faasbox.timer.disable": { needsFolder: true },
  "faasbox.topic.publish": { needsFolder: true },
  "faasbox.trigger.run": { needsFolder: true },
  "faasbox.database.fireSample": { needsFolder: true },
  "faasbox.functionUrl.copy": { needsFolder: true },
} as const satisfies { [K in CommandId]: CommandInfo };

export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** The commands that need a folder, as a type, so their handlers can be given separately. */
export type FolderCommandId = { [K in CommandId]: (typeof COMMANDS)[K]["needsFolder"] extends true ? K : never }[CommandId];

export type AnywhereCommandId = Exclude<CommandId, FolderCommandId>;

export const FOLDER_COMMANDS = COMMAND_IDS.filter((id): id is FolderCommandId => COMMANDS[id].needsFolder);

/** Ids registered on purpose without a package.json entry. */
export const INTERNAL_COMMANDS = COMMAND_IDS.filter((id) => (COMMANDS[id] as CommandInfo).internal === true);
