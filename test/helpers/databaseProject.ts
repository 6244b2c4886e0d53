import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogRecord } from "../../emulator/protocol";
import { messageOf } from "./logLines";

/**
 * A project whose functions print what database changes they receive: `ROWS [[op, id, v, table]…]` for
 * every event (the test reads them from the log), `EVENT {…}` for events of at most three records,
 * and `DONE <first id>` after an optional delay (DELAY_MS) so a batch can be caught mid-flight.
 */
export const AUDIT_HANDLER = `
exports.handler = async (event) => {
  const records = event.Records || [];
  const rows = records.map((r) => {
    if (r.kinesis) { const d = JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()); return [d.metadata.operation, d.data.id, d.data.v, d.metadata["table-name"]]; }
    if (r.Ckafka) { const d = JSON.parse(r.Ckafka.msgBody); return [d.type || d.op, null, null, null]; }
    return [r.op, r.key.id, r.after ? r.after.v : null, r.table];
  });
  console.log("ROWS " + JSON.stringify(rows));
  if (records.length <= 3) console.log("EVENT " + JSON.stringify(event));
  const delay = Number(process.env.DELAY_MS || 0);
  if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
  console.log("DONE " + JSON.stringify(rows[0]));
  return {};
};
`;

export interface DatabaseProjectOptions {
  url: string;
  /** faasbox.yml `functions:` body (indented by four spaces per function key). */
  functions?: string;
  tables?: string;
}

/** Writes the project into a fresh folder; the URL is in .env, as a user would keep it. */
export function writeDatabaseProject(options: DatabaseProjectOptions): string {
  const root = mkdtempSync(join(tmpdir(), "faasbox-db-"));
  chmodSync(root, 0o755);
  mkdirSync(join(root, "node"));
  writeFileSync(join(root, "node", "audit.js"), AUDIT_HANDLER);
  writeFileSync(join(root, ".env"), `SHOP_DATABASE_URL=${options.url}\n`);
  writeFileSync(join(root, "faasbox.yml"), databaseManifest(options));
  return root;
}

export function databaseManifest(options: DatabaseProjectOptions): string {
  return `databases:
  shop:
    url: \${env:SHOP_DATABASE_URL}
    tables: ${options.tables ?? "[orders]"}
functions:
${options.functions ?? auditFunction()}`;
}

export function auditFunction(name = "audit", event = "{name: shop, batchSize: 100}", environment = "{}"): string {
  return `  ${name}:
    runtime: nodejs20.x
    codeUri: node
    handler: audit.handler
    timeout: 30
    environment: ${environment}
    events:
      - database: ${event}
`;
}

/** A change as AUDIT_HANDLER prints it in a `ROWS` line: [op, id, v, table]. */
export type AuditRow = [string, number | null, number | null, string | null];

/** The JSON after `prefix` ("ROWS ", "EVENT ") in each line function `fn` printed, in order. */
export function printedBy(records: readonly LogRecord[], fn: string, prefix: string) {
  return records.filter((r) => r.function === fn && messageOf(r.text).startsWith(prefix)).map((r) => JSON.parse(messageOf(r.text).slice(prefix.length)));
}

/** A SAM template with these resources (samKinesisFunction's). */
export function samTemplate(...resources: string[]): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
${resources.join("")}`;
}

/** A SAM function running node/<handler> on the shop-changes Kinesis stream (a source's `kinesis:` stream gets DMS records), with more event properties. */
export function samKinesisFunction(name: string, handler: string, properties: Record<string, string | number | boolean>): string {
  const more = Object.entries(properties).map(([key, value]) => `            ${key}: ${value}\n`).join("");
  return `  ${name}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: node/
      Handler: ${handler}
      Events:
        Changes:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:us-east-1:123456789012:stream/shop-changes
${more}`;
}

/** serverless.yml of the SCF function dts-audit (AUDIT_HANDLER) on the shop-changes CKafka topic (DTS records). */
export function dtsAuditServerless(maxMsgNum: number): string {
  return `component: scf
name: dts-audit
inputs:
  name: dts-audit
  src: ./node
  handler: audit.handler
  runtime: Nodejs18.15
  region: ap-guangzhou
  events:
    - ckafka:
        parameters:
          name: ckafka-shop
          topic: shop-changes
          maxMsgNum: ${maxMsgNum}
          enable: true
`;
}
