import * as vscode from "vscode";

/** A saved `faasbox` launch configuration (debugProvider.ts reads the same fields). */
export interface SavedFaasboxLaunch extends vscode.DebugConfiguration {
  function: string;
  event: unknown;
}

/** The launch configuration that debugs `functionName` with `event`, as it is saved in launch.json. */
export function launchConfigurationFor(functionName: string, event: unknown): SavedFaasboxLaunch {
  return { type: "faasbox", request: "launch", name: `Faasbox: Debug ${functionName}`, function: functionName, event: event ?? {} };
}

/**
 * Adds (or replaces, by name) the configuration in the folder's .vscode/launch.json, through
 * the `launch` settings so that comments and other configurations are kept.
 */
export async function saveLaunchConfiguration(folder: vscode.WorkspaceFolder, functionName: string, event: unknown): Promise<SavedFaasboxLaunch> {
  const launch = vscode.workspace.getConfiguration("launch", folder.uri);
  const saved = launchConfigurationFor(functionName, event);
  const configurations = (launch.get<vscode.DebugConfiguration[]>("configurations") ?? []).filter((c) => c.name !== saved.name);
  await launch.update("version", launch.get("version") ?? "0.2.0", vscode.ConfigurationTarget.WorkspaceFolder);
  await launch.update("configurations", [...configurations, saved], vscode.ConfigurationTarget.WorkspaceFolder);
  return saved;
}

const ASKED_KEY = "faasbox.debug.offeredLaunchConfiguration";

/**
 * After the first debug started without a launch configuration (F5 on a handler), offers once per
 * workspace, without a modal, to save it, as the AWS Toolkit and Azure Functions do; the next F5
 * then starts the same session without a question.
 */
export async function offerToSaveLaunchConfiguration(state: vscode.Memento, folder: vscode.WorkspaceFolder, functionName: string, event: unknown): Promise<void> {
  if (state.get<boolean>(ASKED_KEY)) return;
  await state.update(ASKED_KEY, true);
  const save = "Save to launch.json";
  const choice = await vscode.window.showInformationMessage(
    `Save "Debug ${functionName}" with this event as a launch configuration? F5 then starts it without asking.`,
    save,
  );
  if (choice !== save) return;
  await saveLaunchConfiguration(folder, functionName, event);
  void vscode.window.showInformationMessage(`Saved "Faasbox: Debug ${functionName}" in .vscode/launch.json.`);
}
