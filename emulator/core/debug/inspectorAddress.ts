/**
 * Node's inspector, kept to the editor that asked for it.
 *
 * On host networking a debugged instance's inspector listens on this machine's 127.0.0.1, where
 * any local process (another user's, a web page's through a helper) could reach it; by default
 * `GET /json/list` there hands out its WebSocket address, and a debugger attached to it runs any
 * code in the function, with its credentials. `--inspect-publish-uid=stderr` keeps that address
 * (a random UUID as its path) off HTTP: it is printed on stderr only, which the emulator alone
 * reads (https://nodejs.org/api/cli.html#--inspect-publish-uidstderrhttp). The emulator gives it
 * to the client that started the session (DebugSessionInfo.webSocketPath) and masks it in the
 * function's log.
 */
export function nodeInspectorFlags(port: number): string[] {
  return ["--inspect-publish-uid=stderr", `--inspect-brk=127.0.0.1:${port}`];
}

const LISTENING = /^(Debugger listening on ws:\/\/[^/\s]+)(\/[0-9a-f-]{36})\s*$/i;

/** The WebSocket path ("/UUID") in Node's "Debugger listening on ws://HOST:PORT/UUID" line, else undefined. */
export function inspectorPath(line: string): string | undefined {
  return LISTENING.exec(line)?.[2];
}

/** The line as the function's log shows it: without the address's secret path. */
export function maskInspectorPath(line: string): string {
  return line.replace(LISTENING, "$1 (its address goes to the debugger that asked for it only)");
}
