import { spawn, type ChildProcess } from "node:child_process";
import * as vscode from "vscode";
import { readConnectionInfo, type ConnectionInfo } from "../../emulator/client/connectionFile";
import { withMallocTunables } from "../../emulator/config/mallocTunables";
import { controlSocketFile } from "../../emulator/config/paths";
import type { FaasboxSettings } from "../settings";

const START_TIMEOUT_MS = 30_000;

export interface SpawnedEmulator {
  child: ChildProcess;
  info: ConnectionInfo;
}

/**
 * Starts the bundled emulator (dist/emulator.js) for `root` with VS Code's own Node
 * (ELECTRON_RUN_AS_NODE), and resolves once it has written its connection file.
 */
export async function spawnEmulator(extensionUri: vscode.Uri, root: string, settings: FaasboxSettings, output: vscode.OutputChannel): Promise<SpawnedEmulator> {
  const script = vscode.Uri.joinPath(extensionUri, "dist", "emulator.js").fsPath;
  const args = [
    script, root, "--quiet", "--parent-pid", String(process.pid),
    "--executor", settings.executor,
    // A Unix socket, not a port: remote editors (code-server, Remote-SSH, Codespaces) forward
    // every new loopback port they see, and this one is only ours to use.
    ...(process.platform === "win32" ? [] : ["--control-socket", controlSocketFile(root)]),
    // Ports the user chose are kept strictly; the defaults move aside when busy.
    ...(settings.portsChosen.http ? ["--http-port", String(settings.httpPort)] : []),
    ...(settings.portsChosen.invoke ? ["--invoke-port", String(settings.invokePort)] : []),
    "--keep-alive", String(settings.keepAliveSeconds),
    "--max-concurrency", String(settings.maxConcurrency),
    ...(settings.credentials.enabled ? [] : ["--no-credentials"]),
    ...(settings.credentials.enabled && settings.credentials.awsProfile ? ["--profile", settings.credentials.awsProfile] : []),
  ];
  const env: NodeJS.ProcessEnv = withMallocTunables({ ...process.env, ELECTRON_RUN_AS_NODE: "1" });
  if (settings.images.nodejs) env.FAASBOX_IMAGE_NODEJS = settings.images.nodejs;
  if (settings.images.python) env.FAASBOX_IMAGE_PYTHON = settings.images.python;
  if (settings.images.custom) env.FAASBOX_IMAGE_CUSTOM = settings.images.custom;
  // The settings win over the editor's environment, as the images' do; the emulator checks both values.
  if (settings.docker.host) env.DOCKER_HOST = settings.docker.host;
  if (settings.docker.network) env.FAASBOX_DOCKER_NETWORK = settings.docker.network;
  if (!settings.standby) env.FAASBOX_STANDBY = "0";
  output.appendLine(`starting the emulator for ${root}`);
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const onOutput = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    output.append(text);
  };
  child.stdout.on("data", onOutput);
  child.stderr.on("data", onOutput);

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the emulator exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail.trim()}`);
    }
    const info = readConnectionInfo(root);
    if (info && info.pid === child.pid) return { child, info };
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`the emulator did not start within ${START_TIMEOUT_MS / 1000} s:\n${tail.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
