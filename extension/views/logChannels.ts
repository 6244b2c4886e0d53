import * as vscode from "vscode";
import { Notifications, Requests, type LogRecord } from "../../emulator/protocol";
import type { DaemonConnection } from "../daemon/daemonConnection";
import type { FunctionsModel } from "../model/functionsModel";
import { findStackFrames, mapLinePaths, toWorkspacePath } from "../model/pathMapping";
import { allFunctionsChannelText, functionChannelText } from "./channelLines";
import { DisposableList } from "../util/disposableList";

const RECENT_PER_FUNCTION = 500;
export const REQUEST_LOG_SCHEME = "faasbox-logs";
export const ALL_FUNCTIONS_CHANNEL = "Faasbox: all functions";
/** VS Code's built-in grammar for log files: it colours times, levels (ERROR, WARN) and paths. */
const LOG_LANGUAGE = "log";

/**
 * Live logs: one Output channel per function ("Faasbox: NAME") and one for all of them
 * ("Faasbox: all functions", each line prefixed with its function, as `sam local` shows
 * several functions), fed by one subscription renewed on every connection. Container paths
 * are rewritten to workspace paths so the Output view links stack frames to the files.
 *
 * Plain channels, not LogOutputChannels: the runtimes already print each line with its own
 * time and level as the clouds do (`<time>\t<request id>\tERROR\t…`, `[ERROR] …`), a
 * LogOutputChannel would add a second time and level to each, and its level filter hides
 * lines by default (START/END/REPORT were debug lines). Here every line shows, at once, as
 * CloudWatch or the SCF console would show it; the "log" language colours the levels.
 */
export class LogChannels implements vscode.Disposable {
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private allChannel?: vscode.OutputChannel;
  private readonly recent = new Map<string, LogRecord[]>();
  private readonly disposables = new DisposableList();
  private readonly received = new vscode.EventEmitter<LogRecord>();
  readonly onDidReceive = this.received.event;

  constructor(manager: DaemonConnection, private readonly model: FunctionsModel) {
    this.disposables.push(
      this.received,
      manager.onNotification(Notifications.logRecord, ({ record }) => this.append(record)),
      manager.onNotification(Notifications.logsDropped, ({ count }) => {
        const notice = `faasbox: ${count} log lines were dropped because the editor read them too slowly`;
        for (const channel of [...this.channels.values(), this.all()]) channel.appendLine(notice);
      }),
      manager.onDidConnect(() => void manager.request(Requests.logsSubscribe, {}).catch(() => undefined)),
    );
  }

  /** The last lines received for a function (what the Output channel shows). */
  recentLines(name: string): readonly LogRecord[] {
    return this.recent.get(name) ?? [];
  }

  show(name: string): void {
    this.channel(name).show(true);
  }

  /** Shows the stream of every function's lines. */
  showAll(): void {
    this.all().show(true);
  }

  private append(record: LogRecord): void {
    const lines = this.recent.get(record.function) ?? [];
    lines.push(record);
    if (lines.length > RECENT_PER_FUNCTION) lines.shift();
    this.recent.set(record.function, lines);
    const fn = this.model.get(record.function);
    this.channel(record.function).appendLine(functionChannelText(fn, record));
    this.all().appendLine(allFunctionsChannelText(fn, record));
    this.received.fire(record);
  }

  private channel(name: string): vscode.OutputChannel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`Faasbox: ${name}`, LOG_LANGUAGE);
      this.channels.set(name, channel);
    }
    return channel;
  }

  private all(): vscode.OutputChannel {
    this.allChannel ??= vscode.window.createOutputChannel(ALL_FUNCTIONS_CHANNEL, LOG_LANGUAGE);
    return this.allChannel;
  }

  dispose(): void {
    this.disposables.dispose();
    for (const channel of this.channels.values()) channel.dispose();
    this.channels.clear();
    this.allChannel?.dispose();
  }
}

/** One request's logs as a read-only document, faasbox-logs:/FUNCTION/REQUEST.log, from the kept store. */
export class RequestLogDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  constructor(private readonly manager: DaemonConnection, private readonly model: FunctionsModel) {}

  static uri(functionName: string, requestId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: REQUEST_LOG_SCHEME, path: `/${functionName}/${requestId}.log` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, functionName, file] = uri.path.split("/");
    const requestId = file.replace(/\.log$/, "");
    const { records } = await this.manager.request(Requests.logsQuery, { function: functionName, requestId });
    if (records.length === 0) return `No kept log lines for request ${requestId} of ${functionName}.\n`;
    const fn = this.model.get(functionName);
    return records.map((r) => `${new Date(r.time).toISOString()} ${r.stream.padEnd(6)} ${mapLinePaths(fn, r.text)}`).join("\n") + "\n";
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const links: vscode.DocumentLink[] = [];
    const fn = this.model.get(document.uri.path.split("/")[1]);
    for (let line = 0; line < document.lineCount; line++) {
      for (const frame of findStackFrames(document.lineAt(line).text)) {
        const target = vscode.Uri.file(toWorkspacePath(fn, frame.path)).with({ fragment: `L${frame.line}${frame.column ? `,${frame.column}` : ""}` });
        links.push(new vscode.DocumentLink(new vscode.Range(line, frame.start, line, frame.end), target));
      }
    }
    return links;
  }
}
