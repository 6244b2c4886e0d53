// A SAM function with a Kinesis event on a `databases:` source's `kinesis:` stream gets what it
// would in AWS when DMS replicates the database to that stream: a Lambda Kinesis event whose
// records' data is DMS's JSON record.
//
// The record: DMS "serializes each record from the source database into an attribute-value pair in
// JSON format" (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.Kinesis.html); the
// fields, as records from a real CDC task show them (https://kingshark8848.gitbook.io/tech-posts/aws-dms,
// insert/update/delete examples): {"data": {column: value}, "metadata": {"timestamp",
// "record-type": "data", "operation": "insert" | "update" | "delete", "partition-key-type",
// "schema-name", "table-name", "transaction-id"}}. `data` is the row after an insert or update and
// the deleted row for a delete (for PostgreSQL: what its replica identity logs, the key unless
// REPLICA IDENTITY FULL). An update carries the row before it under "before-image", as with the task
// setting BeforeImageSettings {EnableBeforeImage: true, FieldName: "before-image", ColumnFilter: "all"}
// (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.BeforeImage.html);
// that setting is off by default in DMS, on here so that a function can see what changed.
//
// Partitioning: "partition-key-type": "schema-table" (DMS's object mapping option); the record's
// partition key is then "schema.table". The DMS guide names the type but not how the key is written;
// "schema.table" is our reading, as is `timestamp` being the commit time (microseconds, UTC, as in
// the guide's examples). The transaction id is PostgreSQL's xid, a number as in the examples.
//
// A MySQL/MariaDB source gives the same record (the Kinesis target page above describes one record
// format whatever the source engine); "schema-name" is the MySQL database. For
// MySQL the guide does not say how "transaction-id" is derived: here it is the transaction's start
// in the binlog as one number (the file's number × 2^32 + the offset), which grows with the log.
import { kinesisRecord } from "../events/streamEvents";
import { kinesisSequenceNumber, lsnValue } from "./changePosition";
import { jsonRow, utcMicroseconds } from "./changeValues";
import type { RowChange } from "./rowChange";

export interface DmsRecord {
  data: Record<string, unknown>;
  "before-image"?: Record<string, unknown>;
  metadata: {
    timestamp: string;
    "record-type": "data";
    operation: RowChange["op"];
    "partition-key-type": "schema-table";
    "schema-name": string;
    "table-name": string;
    "transaction-id": number;
  };
}

/** DMS's JSON record of one change. */
export function dmsRecord(change: RowChange): DmsRecord {
  const data = jsonRow(change.op === "delete" ? (change.before ?? change.key) : change.after) ?? {};
  const before = change.op === "update" ? jsonRow(change.before) : undefined;
  return {
    data,
    ...(before ? { "before-image": before } : {}),
    metadata: {
      timestamp: utcMicroseconds(change.commitTime),
      "record-type": "data",
      operation: change.op,
      "partition-key-type": "schema-table",
      "schema-name": change.schema,
      "table-name": change.table,
      "transaction-id": change.binlog ? Number(lsnValue(change.binlog.transactionStart)) : Number(change.transactionId),
    },
  };
}

/** The Kinesis event Lambda sends for `changes` put on `stream` by DMS, in commit order. */
export function dmsKinesisEvent(stream: string, region: string, changes: readonly RowChange[]): { Records: Record<string, unknown>[] } {
  return {
    Records: changes.map((change) =>
      kinesisRecord(
        stream,
        region,
        { data: JSON.stringify(dmsRecord(change)), partitionKey: `${change.schema}.${change.table}` },
        kinesisSequenceNumber(change),
        // Arrival on the stream: the commit, as near as a local stream gets to DMS's latency.
        new Date(Date.parse(change.commitTime)),
      ),
    ),
  };
}
