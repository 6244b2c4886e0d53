import * as vscode from "vscode";
import { Requests, type DebugSessionInfo } from "../../emulator/protocol";
import type { CommandId } from "../commandIds";
import type { DaemonConnection } from "../daemon/daemonConnection";
import type { SavedEvents } from "../model/savedEvents";
import { lendableDebugpy } from "./lendableDebugpy";

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
}

/**
 * Resolves a `faasbox` launch late (after variable substitution): starts a debug
 * instance in the emulator, which answers once its debugger listens, then
 * - Node: hands over to the built-in JavaScript debugger, attaching with the path
 *   mapping between the workspace and /var/task or /var/user;
 * - Python: keeps the session and lets VS Code speak DAP to debugpy directly
 *   (see FaasboxDebugAdapterFactory), with pathMappings; no Python extension needed.
 */
export class FaasboxDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly manager: DaemonConnection,
    private readonly savedEvents: SavedEvents,
    private readonly onSessionReady: (config: FaasboxDebugConfiguration, info: DebugSessionInfo) => void,
  ) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: "launch", name: "Faasbox: Debug a function", function: PICK_FUNCTION, event: {} }];
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: FaasboxDebugConfiguration): FaasboxDebugConfiguration | undefined {
    // F5 with no launch.json: debug the function picked from a list.
    if (!config.type && !config.request && !config.name) {
      return { type: DEBUG_TYPE, request: "launch", name: "Faasbox: Debug", function: PICK_FUNCTION };
    }
    return config;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: FaasboxDebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (config.faasboxSession) return config; // already resolved (the Python session itself)
    if (!config.function) {
      void vscode.window.showErrorMessage('The Faasbox debug configuration needs "function": the name of the function to debug.');
      return undefined;
    }
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
      };
    }
    const attach: vscode.DebugConfiguration = {
      type: "node",
      request: "attach",
      name: config.name,
      address: info.host,
      port: info.port,
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
    // Started as its own session (not by changing this one's type) so that VS Code
    // resolves it for `node` and activates the JavaScript debugger.
    this.lastNodeAttach = vscode.debug.startDebugging(folder, attach);
    if (!(await this.lastNodeAttach)) {
      await this.manager.request(Requests.debugStop, { sessionId: info.sessionId }).catch(() => undefined);
      return undefined;
    }
    this.onSessionReady(resolved, info);
    return undefined; // the Node session replaces this one
  }

  /** Whether the last Node hand-over started (the `faasbox` launch itself always ends as undefined). */
  lastNodeAttach?: Thenable<boolean>;
}

/** For Python, the `faasbox` session's adapter is debugpy itself, on the port the emulator reported. */
export class FaasboxDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const info = (session.configuration as FaasboxDebugConfiguration).faasboxSession;
    if (!info) throw new Error("this Faasbox debug session was not started by the emulator");
    return new vscode.DebugAdapterServer(info.port, info.host);
  }
}
