import type { ChildProcess } from "node:child_process";
import * as vscode from "vscode";
import type { NotificationType, RequestType, RequestType0 } from "vscode-jsonrpc/node";
import { readConnectionInfo } from "../../emulator/client/connectionFile";
import { ControlClient } from "../../emulator/client/controlClient";
import { Notifications, Requests, type EmulatorStatus } from "../../emulator/protocol";
import { readSettings } from "../settings";
import { DisposableList } from "../util/disposableList";
import { spawnEmulator } from "./daemonProcess";

export type ConnectionState = "idle" | "starting" | "connected" | "reconnecting" | "stopped" | "failed" | "untrusted";

interface Registration {
  type: NotificationType<unknown>;
  handler: (params: unknown) => void;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
const MAX_RETRIES = 10;

/**
 * The one owner of the connection to the emulator for the workspace: attaches to a
 * running one (its connection file) or starts the bundled one when first needed,
 * reconnects with backoff, and re-registers notification handlers on each connection.
 * Nothing else touches the socket.
 */
export class DaemonConnection implements vscode.Disposable {
  private readonly disposables = new DisposableList();
  private readonly stateEmitter = this.disposables.push(new vscode.EventEmitter<ConnectionState>());
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly connectedEmitter = this.disposables.push(new vscode.EventEmitter<void>());
  /** Fires after each (re)connection, for subscriptions that must be renewed. */
  readonly onDidConnect = this.connectedEmitter.event;
  state: ConnectionState = "idle";
  status?: EmulatorStatus;
  lastError?: string;
  private client?: ControlClient;
  private child?: ChildProcess;
  private connecting?: Promise<ControlClient>;
  private readonly registrations = new Set<Registration>();
  /** The notification methods the current client dispatches to `registrations`. */
  private attached?: { client: ControlClient; methods: Set<string> };
  private retry = 0;
  private retryTimer?: NodeJS.Timeout;
  private disposed = false;
  private shutDownByEmulator = false;

  constructor(private readonly extensionUri: vscode.Uri, readonly root: string, private readonly output: vscode.OutputChannel) {
    this.disposables.push(
      this.onNotification(Notifications.shuttingDown, ({ reason }) => {
        this.shutDownByEmulator = true;
        this.output.appendLine(`the emulator is shutting down (${reason})`);
      }),
    );
  }

  get isConnected(): boolean {
    return this.state === "connected" && this.client?.isOpen === true;
  }

  /** A connected client, starting the emulator if none runs. Throws with a reason users can act on. */
  ensureStarted(): Promise<ControlClient> {
    if (this.isConnected) return Promise.resolve(this.client!);
    if (!vscode.workspace.isTrusted) {
      this.setState("untrusted");
      return Promise.reject(new Error("This workspace is not trusted: Faasbox does not run its functions. Trust the workspace to run them."));
    }
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  request<R>(type: RequestType0<R, void>): Promise<R>;
  request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R>;
  async request(type: RequestType0<unknown, void> | RequestType<unknown, unknown, void>, params?: unknown): Promise<unknown> {
    const client = await this.ensureStarted();
    return params === undefined ? client.request(type as RequestType0<unknown, void>) : client.request(type as RequestType<unknown, unknown, void>, params);
  }

  /** Handles a notification on this and every later connection. */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): vscode.Disposable {
    const registration: Registration = { type: type as NotificationType<unknown>, handler: handler as (params: unknown) => void };
    this.registrations.add(registration);
    if (this.client) this.attach(this.client, registration.type);
    return new vscode.Disposable(() => this.registrations.delete(registration));
  }

  /**
   * One handler per method on the client, calling every registration of that method:
   * vscode-jsonrpc keeps one handler per method, and a second `onNotification` of the
   * same method would silently replace the first (the status bar's count took the
   * Functions view's history away).
   */
  private attach(client: ControlClient, type: NotificationType<unknown>): void {
    if (this.attached?.client !== client) this.attached = { client, methods: new Set() };
    if (this.attached.methods.has(type.method)) return;
    this.attached.methods.add(type.method);
    client.onNotification(type, (params) => {
      for (const registration of [...this.registrations]) if (registration.type.method === type.method) registration.handler(params);
    });
  }

  /** Stops the emulator this window started, or just disconnects from one started elsewhere. */
  async stop(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.setState("stopped");
    const client = this.client;
    this.client = undefined;
    if (client && this.child) await client.request(Requests.emulatorShutdown).catch(() => undefined);
    client?.dispose();
    this.child = undefined;
    this.status = undefined;
  }

  dispose(): void {
    this.disposed = true;
    void this.stop();
    this.disposables.dispose();
  }

  private async connect(): Promise<ControlClient> {
    clearTimeout(this.retryTimer);
    this.setState(this.state === "reconnecting" ? "reconnecting" : "starting");
    try {
      let info = readConnectionInfo(this.root);
      if (!info) {
        const spawned = await spawnEmulator(this.extensionUri, this.root, readSettings(), this.output);
        this.child = spawned.child;
        this.child.once("exit", (code, signal) => this.output.appendLine(`the emulator exited (${code ?? signal})`));
        info = spawned.info;
      }
      const client = await ControlClient.connect(info.controlUrl, info.token);
      this.client = client;
      for (const registration of this.registrations) this.attach(client, registration.type);
      client.onClose(() => this.onClosed(client));
      this.status = await client.request(Requests.emulatorStatus);
      this.retry = 0;
      this.lastError = undefined;
      this.setState("connected");
      this.connectedEmitter.fire();
      return client;
    } catch (error) {
      this.lastError = (error as Error).message;
      this.output.appendLine(`cannot connect to the emulator: ${this.lastError}`);
      this.setState("failed");
      throw error;
    }
  }

  private onClosed(client: ControlClient): void {
    if (this.client !== client || this.disposed || this.state === "stopped") return;
    this.client = undefined;
    this.status = undefined;
    if (this.shutDownByEmulator) {
      // Stopped on purpose (a client asked it to): wait until the user needs it again.
      this.shutDownByEmulator = false;
      this.child = undefined;
      this.setState("stopped");
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retry >= MAX_RETRIES) {
      this.setState("failed");
      return;
    }
    const delay = BACKOFF_MS[Math.min(this.retry++, BACKOFF_MS.length - 1)];
    this.setState("reconnecting");
    this.output.appendLine(`lost the emulator; reconnecting in ${delay} ms`);
    this.retryTimer = setTimeout(() => void this.ensureStarted().catch(() => this.scheduleReconnect()), delay);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.stateEmitter.fire(state);
  }
}
