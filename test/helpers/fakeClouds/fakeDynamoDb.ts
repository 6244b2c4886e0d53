import { header, startHttpServer, type RunningServer } from "./httpServer";
import { verifySigV4 } from "./sigv4";

export interface DynamoDbCall {
  /** From X-Amz-Target: PutItem, GetItem... */
  operation: string;
  accessKeyId: string;
  region: string;
  body: Record<string, unknown>;
}

/**
 * A DynamoDB endpoint that checks what DynamoDB checks before it looks at a request: a valid
 * SigV4 signature for the `dynamodb` service with a known key, `X-Amz-Target:
 * DynamoDB_20120810.<Operation>` and a JSON body in `application/x-amz-json-1.0`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html).
 * It records each call and answers PutItem with `{}`; anything else is an error in DynamoDB's shape.
 */
export async function startFakeDynamoDb(keys: ReadonlyMap<string, string>): Promise<RunningServer & { calls: DynamoDbCall[] }> {
  const calls: DynamoDbCall[] = [];
  const server = await startHttpServer((req, body, res) => {
    const fail = (status: number, type: string, message: string) => {
      res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
    };
    const signed = verifySigV4(req, body, keys, "dynamodb");
    if (!signed.ok) return fail(signed.status, signed.type, signed.message);
    const target = /^DynamoDB_20120810\.(\w+)$/.exec(header(req, "x-amz-target") ?? "");
    if (!target) return fail(400, "UnknownOperationException", "missing or unknown X-Amz-Target");
    if (!(header(req, "content-type") ?? "").startsWith("application/x-amz-json-1.0")) return fail(400, "SerializationException", "expected application/x-amz-json-1.0");
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    } catch {
      return fail(400, "SerializationException", "the body is not JSON");
    }
    if (target[1] !== "PutItem") return fail(400, "UnknownOperationException", `this endpoint only knows PutItem, not ${target[1]}`);
    calls.push({ operation: target[1], accessKeyId: signed.accessKeyId, region: signed.region, body: parsed });
    res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
    res.end("{}");
  });
  return Object.assign(server, { calls });
}
