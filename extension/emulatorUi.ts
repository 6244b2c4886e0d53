// Starting the emulator from the editor and telling the user what it needs: quietly when
// a view opens, loudly (with ways out) when a command needs it.
import * as vscode from "vscode";
import { Requests } from "../emulator/protocol";
import { executeCommand } from "./commands";
import type { DaemonConnection } from "./daemon/daemonConnection";
import { readSettings } from "./settings";

export async function startQuietly(manager: DaemonConnection): Promise<void> {
  await manager.ensureStarted().catch(() => undefined); // the status bar and output say why
}

/** Starts (or attaches to) the emulator, telling the user plainly when it cannot. */
export async function startLoudly(manager: DaemonConnection): Promise<boolean> {
  try {
    await manager.ensureStarted();
    return true;
  } catch (error) {
    const choice = await vscode.window.showErrorMessage(`Faasbox could not start the emulator: ${(error as Error).message.split("\n")[0]}`, "Show Output", "Run Doctor");
    if (choice === "Show Output") await executeCommand("faasbox.emulator.showOutput");
    if (choice === "Run Doctor") await executeCommand("faasbox.emulator.doctor");
    return false;
  }
}

let warnedNotIsolated = false;

/** Docker missing: one warning with ways out, never a loop of error toasts. */
export function warnIfNotIsolated(manager: DaemonConnection): void {
  if (warnedNotIsolated || manager.status?.isolated !== false || readSettings().executor === "process") return;
  warnedNotIsolated = true;
  void vscode.window
    .showWarningMessage(
      "Faasbox found no Docker engine: functions run as local processes (not isolated, no memory or CPU limit).",
      "Docker Install Guide",
      "Keep Using Processes",
      "Run Doctor",
    )
    .then(async (choice) => {
      if (choice === "Docker Install Guide") await vscode.env.openExternal(vscode.Uri.parse("https://docs.docker.com/engine/install/"));
      if (choice === "Keep Using Processes") await vscode.workspace.getConfiguration("faasbox").update("executor", "process", vscode.ConfigurationTarget.Workspace);
      if (choice === "Run Doctor") await executeCommand("faasbox.emulator.doctor");
    });
}

/** Settings the emulator reads when it starts: a change applies once it restarts. */
const STARTUP_SETTINGS = ["executor", "images", "httpPort", "invokePort", "keepAliveSeconds", "standby", "maxConcurrency"].map((key) => `faasbox.${key}`);

export async function offerRestart(change: vscode.ConfigurationChangeEvent, manager: DaemonConnection): Promise<void> {
  if (!manager.isConnected || !STARTUP_SETTINGS.some((key) => change.affectsConfiguration(key))) return;
  const choice = await vscode.window.showInformationMessage("Faasbox settings changed: the running emulator applies them once it restarts.", "Restart Emulator");
  if (choice !== "Restart Emulator") return;
  await manager.stop();
  await executeCommand("faasbox.emulator.start");
}

/** The status bar item's menu: start or stop, output, doctor, metrics, and the gateway's address. */
export async function emulatorActions(manager: DaemonConnection): Promise<void> {
  const running = manager.isConnected;
  const items: { label: string; run: () => Thenable<unknown> }[] = [
    running
      ? { label: "$(debug-stop) Stop the Emulator", run: () => executeCommand("faasbox.emulator.stop") }
      : { label: "$(play) Start the Emulator", run: () => executeCommand("faasbox.emulator.start") },
    { label: "$(list-flat) Show Logs of All Functions", run: () => executeCommand("faasbox.logs.showAll") },
    { label: "$(output) Show Emulator Output", run: () => executeCommand("faasbox.emulator.showOutput") },
    { label: "$(pulse) Check Setup (Doctor)", run: () => executeCommand("faasbox.emulator.doctor") },
    { label: "$(graph) Show Metrics", run: () => executeCommand("faasbox.metrics.show") },
  ];
  if (running) {
    const status = await manager.request(Requests.emulatorStatus).catch(() => undefined);
    const httpUrl = status?.httpUrl;
    if (httpUrl) items.push({ label: `$(globe) Open ${httpUrl}`, run: () => vscode.env.openExternal(vscode.Uri.parse(httpUrl)) });
  }
  const choice = await vscode.window.showQuickPick(items, { title: `Faasbox emulator: ${manager.state}` });
  await choice?.run();
}
