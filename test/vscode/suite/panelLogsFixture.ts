// A function for the tests of concurrent invocations, written into the test workspace (a
// copy of examples/) by the suite: its handler prints a marker taken from its event
// several times over about two seconds, so several invocations of it overlap and each
// line says which invocation printed it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PANEL_LOGS_FUNCTION = "PanelLogs";
export const PANEL_LOGS_LINES = 8;

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ${PANEL_LOGS_FUNCTION}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./
      Handler: app.handler
      Runtime: nodejs20.x
      MemorySize: 128
      Timeout: 15
      Events:
        Http:
          Type: HttpApi
          Properties:
            Path: /panel-logs
            Method: GET
`;

// The marker comes in the event ({"marker": …}) or, over HTTP, in the query string.
const HANDLER = `exports.handler = async (event) => {
  const marker = event.marker || (event.queryStringParameters && event.queryStringParameters.marker) || "none";
  const started = Date.now();
  for (let line = 1; line <= ${PANEL_LOGS_LINES}; line++) {
    console.log("marker=" + marker + " line " + line);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { marker, started, finished: Date.now() };
};
`;

/** Writes the function into `root`/panel-logs. */
export function writePanelLogsFunction(root: string): void {
  const folder = join(root, "panel-logs");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "template.yaml"), TEMPLATE);
  writeFileSync(join(folder, "app.js"), HANDLER);
}

/** What the handler returns: its marker and when it ran. */
export interface PanelLogsAnswer {
  marker: string;
  started: number;
  finished: number;
}

export function overlaps(a: PanelLogsAnswer, b: PanelLogsAnswer): boolean {
  return a.started < b.finished && b.started < a.finished;
}

/**
 * The lines not of the invocation with `marker` and `requestId`: its handler's lines carry
 * its marker, the platform's (START, END, REPORT) its request id; any other line is foreign.
 */
export function foreignLines(lines: string[], marker: string, requestId: string): string[] {
  return lines.filter((line) => {
    // Node's console lines carry Lambda's prefix: time, request id, level.
    const printed = /^(?:\S+Z\t[\w-]+\t[A-Z]+\t)?marker=(\S+) line \d+$/.exec(line);
    if (printed) return printed[1] !== marker;
    const platform = /RequestId: ?([\w-]+)/.exec(line);
    return platform?.[1] !== requestId;
  });
}
