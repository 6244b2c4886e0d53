import * as vscode from "vscode";
import { Requests, type DebugSessionInfo } from "../../emulator/protocol";
import type { CommandId } from "../commandIds";
import type { DaemonConnection } from "../daemon/daemonConnection";
import { startLoudly } from "../emulatorUi";
import type { FunctionInfo } from "../../emulator/protocol";
import type { SavedEvents } from "../model/savedEvents";
import { functionsOfFile } from "./functionsOfFile";
import { launchConfigurationFor } from "./launchConfiguration";
import { lendableDebugpy } from "./lendableDebugpy";
import { JAVA_DEBUGGER_EXTENSION, javaAttachConfiguration, javaSourcePaths, missingJavaDebuggerMessage } from "./javaAttach";
import { isJavaRuntime } from "../model/javaHandler";

export const DEBUG_TYPE = "faasbox";
/** Asks the user for the function when the launch is resolved (package.json's initial configuration says the same). */
const PICK_FUNCTION = "${command:faasbox.pickFunction}" satisfies `\${command:${CommandId}}`;

/** What a `faasbox` launch configuration holds (package.json declares the same for the editor). */
export interface FaasboxDebugConfiguration extends vscode.DebugConfiguration {
  function?: string;
  /** The event to invoke with, or the name of a saved event. */
  event?: unknown;
  eventName?: string;
  /** Set on resolution: the emulator's debug session. */
  faasboxSession?: DebugSessionInfo;
  /** Started by F5 without a launch configuration: saving one is offered afterwards. */
  faasboxUnsaved?: boolean;
}

/** The workspace's functions, as the provider needs them (FunctionsModel is one). */
export interface FunctionList {
  readonly functions: readonly FunctionInfo[];
  refresh(): Promise<void>;
}

/**
 * Resolves a `faasbox` launch late (after variable substitution): starts a debug
 * instance in the emulator, which answers once its debugger listens, then
 * - Node: hands over to the built-in JavaScript debugger, attaching with the path
 *   mapping between the workspace and /var/task or /var/user;
 * - Java: hands over to the Debugger for Java (vscjava.vscode-java-debug), attaching to the
 *   JDWP port with the workspace's source folders; without that extension, says so and offers it;
 * - Python: keeps the session and lets VS Code speak DAP to debugpy directly
 *   (see FaasboxDebugAdapterFactory), with pathMappings; no Python extension needed.
 */
export class FaasboxDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly manager: DaemonConnection,
    private readonly savedEvents: SavedEvents,
    private readonly functionList: FunctionList,
    private readonly onSessionReady: (config: FaasboxDebugConfiguration, info: DebugSessionInfo) => void,
  ) {}

  /** "Add Configuration…" and a new launch.json: one configuration per function of the workspace. */
  async provideDebugConfigurations(): Promise<vscode.DebugConfiguration[]> {
    if (this.functionList.functions.length === 0) await this.functionList.refresh().catch(() => undefined);
    const each = this.functionList.functions.map((fn) => launchConfigurationFor(fn.name, {}));
    return each.length ? each : [{ type: DEBUG_TYPE, request: "launch", name: "Faasbox: Debug a function", function: PICK_FUNCTION, event: {} }];
  }

  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: FaasboxDebugConfiguration): Promise<FaasboxDebugConfiguration | undefined> {
    if (config.type || config.request || config.name) return config;
    // F5 with no launch.json: the function whose handler is open, else the one picked from a list
    // that starts with the open file's functions.
    const name = await this.functionForF5(vscode.window.activeTextEditor?.document.uri.fsPath);
    if (!name) return undefined;
    return { type: DEBUG_TYPE, request: "launch", name: `Faasbox: Debug ${name}`, function: name, faasboxUnsaved: true };
  }

  private async functionForF5(activeFile: string | undefined): Promise<string | undefined> {
    if (this.functionList.functions.length === 0) await this.functionList.refresh().catch(() => undefined);
    const all = this.functionList.functions;
    const open = activeFile ? functionsOfFile(all, activeFile) : [];
    if (open.length === 1) return open[0].name;
    const first = new Set(open.map((fn) => fn.name));
    const items = [...open, ...all.filter((fn) => !first.has(fn.name))].map((fn) => ({
      label: fn.name,
      description: `${fn.runtime} · ${fn.handler}`,
      detail: first.has(fn.name) ? "Handler in the open file" : undefined,
    }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage("Faasbox found no function to debug: the workspace's manifests name none.");
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title: "Debug which function?" }))?.label;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: FaasboxDebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (config.faasboxSession) return config; // already resolved (the Python session itself)
    if (!config.function) {
      void vscode.window.showErrorMessage('The Faasbox debug configuration needs "function": the name of the function to debug.');
      return undefined;
    }
    // F5 and launch.json come here directly (the Debug command has started it already).
    const runtime = this.functionList.functions.find((fn) => fn.name === config.function)?.runtime;
    // Checked before a JVM starts suspended, waiting for a debugger that cannot come.
    if (runtime && isJavaRuntime(runtime) && !this.hasExtension(JAVA_DEBUGGER_EXTENSION)) {
      void offerJavaDebugger(config.function);
      return undefined;
    }
    if (!(await startLoudly(this.manager))) return undefined;
    if (config.eventName) config.event = JSON.parse(await this.savedEvents.read(config.function, config.eventName));
    let info: DebugSessionInfo;
    try {
      // Offered for every function: the emulator uses it only for Python images without debugpy.
      info = await this.manager.request(Requests.debugStart, { function: config.function, debugpyPath: lendableDebugpy() });
    } catch (error) {
      void vscode.window.showErrorMessage(`Faasbox could not start debugging ${config.function}: ${(error as Error).message}`);
      return undefined;
    }
    const resolved: FaasboxDebugConfiguration = { ...config, faasboxSession: info };
    if (info.protocol === "python") {
      this.onSessionReady(resolved, info);
      return {
        ...resolved,
        request: "attach",
        pathMappings: [{ localRoot: info.localRoot, remoteRoot: info.remoteRoot }],
        justMyCode: true,
        // Faasbox's shim is nobody's code: no frame of it in the call stack, no stepping into it.
        rules: [{ path: "/opt/faasbox", include: false }],
      };
    }
    if (info.protocol === "java") {
      // The function list may not have said it was Java before the session started.
      if (!this.hasExtension(JAVA_DEBUGGER_EXTENSION)) {
        await this.manager.request(Requests.debugStop, { sessionId: info.sessionId }).catch(() => undefined);
        void offerJavaDebugger(config.function);
        return undefined;
      }
      const fn = this.functionList.functions.find((f) => f.name === config.function);
      const javaAttach: vscode.DebugConfiguration = { ...javaAttachConfiguration(config.name, info, javaSourcePaths(info, fn)), faasboxSession: info, faasboxEvent: config.event };
      return this.handOver(folder, javaAttach, resolved, info);
    }
    const attach: vscode.DebugConfiguration = {
      type: "node",
      request: "attach",
      name: config.name,
      address: info.host,
      port: info.port,
      // The inspector lists no target over HTTP (emulator/core/debug/inspectorAddress.ts): js-debug goes straight to its address.
      ...(info.webSocketPath ? { websocketAddress: `ws://${info.host}:${info.port}${info.webSocketPath}` } : {}),
      localRoot: info.localRoot,
      remoteRoot: info.remoteRoot,
      // The inspector breaks before any user code so module-scope breakpoints bind; go on from there.
      continueOnAttach: true,
      // The function runs in its own PID namespace: js-debug's child-process discovery, done
      // on this machine's process tree, would attach a second session to the same runtime.
      autoAttachChildProcesses: false,
      attachExistingChildren: false,
      sourceMaps: true,
      skipFiles: ["<node_internals>/**", "/opt/faasbox/**"],
      faasboxSession: info,
      faasboxEvent: config.event,
    };
    return this.handOver(folder, attach, resolved, info);
  }

  /**
   * Starts the language's own debugger as its own session (not by changing this one's type) so that
   * VS Code resolves it for its type (`node`, `java`) and activates that debugger's extension.
   */
  private async handOver(folder: vscode.WorkspaceFolder | undefined, attach: vscode.DebugConfiguration, resolved: FaasboxDebugConfiguration, info: DebugSessionInfo): Promise<undefined> {
    this.lastNodeAttach = vscode.debug.startDebugging(folder, attach);
    if (!(await this.lastNodeAttach)) {
      await this.manager.request(Requests.debugStop, { sessionId: info.sessionId }).catch(() => undefined);
      return undefined;
    }
    this.onSessionReady(resolved, info);
    return undefined; // the language's session replaces this one
  }

  /** Whether the last hand-over (Node or Java) started (the `faasbox` launch itself always ends as undefined). */
  lastNodeAttach?: Thenable<boolean>;

  /** Whether an extension is installed (a seam for tests). */
  hasExtension: (id: string) => boolean = (id) => vscode.extensions.getExtension(id) !== undefined;
}

/** Says the Debugger for Java is missing and offers to install it from the marketplace. */
async function offerJavaDebugger(functionName: string): Promise<void> {
  const install = "Install Debugger for Java";
  const choice = await vscode.window.showErrorMessage(missingJavaDebuggerMessage(functionName), install);
  if (choice === install) await vscode.commands.executeCommand("workbench.extensions.installExtension", JAVA_DEBUGGER_EXTENSION);
}

/** For Python, the `faasbox` session's adapter is debugpy itself, on the port the emulator reported. */
export class FaasboxDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const info = (session.configuration as FaasboxDebugConfiguration).faasboxSession;
    if (!info) throw new Error("this Faasbox debug session was not started by the emulator");
    return new vscode.DebugAdapterServer(info.port, info.host);
  }
}
