import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeBuckets } from "./buckets";
import { FakeHttpService } from "./httpServer";
import { LambdaApiError } from "./lambdaApiError";
import { FakeLambdaState } from "./lambdaState";
import { verifySigV4 } from "./sigv4";

export const AWS_TEST_ACCESS_KEY_ID = "AKIAFAASBOXTEST00042";
export const AWS_TEST_SECRET_ACCESS_KEY = "faasboxTestAwsSecretDoNotPrint/0042abcd";
export const AWS_TEST_ROLE = "arn:aws:iam::123456789012:role/faasbox-test-role";

type Json = Record<string, unknown>;

export interface LambdaCall {
  operation: string;
  functionName?: string;
  region: string;
  body: Json;
}

interface Fault {
  operation?: string;
  status: number;
  type: string;
  message: string;
  times: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  status: number;
  run: (state: FakeLambdaState, region: string, name: string, body: Json) => Json | Promise<Json>;
}

/** The REST paths the SDK's commands use (@aws-sdk/client-lambda's http traits), with their success status. */
const ROUTES: Route[] = [
  { method: "POST", pattern: /^\/2015-03-31\/functions$/, operation: "CreateFunction", status: 201, run: (s, r, _n, b) => s.createFunction(r, b) },
  { method: "GET", pattern: /^\/2015-03-31\/functions\/([^/]+)$/, operation: "GetFunction", status: 200, run: (s, r, n) => s.getFunction(r, n) },
  { method: "GET", pattern: /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, operation: "GetFunctionConfiguration", status: 200, run: (s, r, n) => s.get(r, n).config },
  { method: "PUT", pattern: /^\/2015-03-31\/functions\/([^/]+)\/code$/, operation: "UpdateFunctionCode", status: 200, run: (s, r, n, b) => s.updateFunctionCode(r, n, b) },
  { method: "PUT", pattern: /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, operation: "UpdateFunctionConfiguration", status: 200, run: (s, r, n, b) => s.updateFunctionConfiguration(r, n, b) },
  { method: "POST", pattern: /^\/2015-03-31\/functions\/([^/]+)\/policy$/, operation: "AddPermission", status: 201, run: (s, r, n, b) => s.addPermission(r, n, b) },
  { method: "POST", pattern: /^\/2021-10-31\/functions\/([^/]+)\/url$/, operation: "CreateFunctionUrlConfig", status: 201, run: (s, r, n, b) => s.createFunctionUrlConfig(r, n, b) },
  { method: "GET", pattern: /^\/2021-10-31\/functions\/([^/]+)\/url$/, operation: "GetFunctionUrlConfig", status: 200, run: (s, r, n) => s.getFunctionUrlConfig(r, n) },
];

/**
 * A local Lambda API for the official SDK: verifies Signature Version 4 over each request
 * with the test key, serves the REST paths Faasbox uses with Lambda's JSON shapes, keeps
 * functions in memory (State Pending → Active, LastUpdateStatus InProgress → Successful
 * after `transitionMs`), records uploads, and answers errors as Lambda does: the HTTP
 * status, `x-amzn-ErrorType: CODE` and a JSON body {"Type": "User", "message": ...}, which
 * the SDK's restJson1 protocol reads (header first, then the body's code/__type).
 */
export class FakeLambda extends FakeHttpService {
  readonly state: FakeLambdaState;
  readonly calls: LambdaCall[] = [];
  /** Every error answered, for tests asserting that none of a kind happened. */
  readonly errors: { operation: string; type: string }[] = [];
  /** Access key ID → secret accepted. */
  readonly keys = new Map([[AWS_TEST_ACCESS_KEY_ID, AWS_TEST_SECRET_ACCESS_KEY]]);
  private readonly faults: Fault[] = [];

  /** `s3`: the buckets of a FakeS3, where code given by S3Bucket/S3Key is read. */
  constructor(options: { transitionMs?: number; deprecatedRuntimes?: readonly string[]; s3?: FakeBuckets } = {}) {
    super();
    this.state = new FakeLambdaState(options.transitionMs ?? 150, options.deprecatedRuntimes ?? [], options.s3);
  }

  get uploads() {
    return this.state.uploads;
  }

  /** The next `times` calls (of `operation`, or any) answer with this Lambda error. */
  failNext(fault: { operation?: string; status: number; type: string; message?: string; times?: number }): void {
    this.faults.push({ operation: fault.operation, status: fault.status, type: fault.type, message: fault.message ?? `${fault.type} (injected by the test)`, times: fault.times ?? 1 });
  }

  /** Forgets the faults not yet answered. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  operations(): string[] {
    return this.calls.map((call) => call.operation);
  }

  protected async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    let operation = "unknown";
    try {
      const auth = verifySigV4(req, body, this.keys, "lambda");
      if (!auth.ok) throw new LambdaApiError(auth.status, auth.type, auth.message);
      const path = (req.url ?? "/").split("?")[0];
      const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(path));
      if (!route) throw new LambdaApiError(404, "UnknownOperationException", `Unknown operation: ${req.method} ${path}`);
      operation = route.operation;
      const name = decodeURIComponent(route.pattern.exec(path)?.[1] ?? "");
      let json: Json = {};
      if (body.length > 0) {
        try {
          json = JSON.parse(body.toString("utf8")) as Json;
        } catch {
          throw new LambdaApiError(400, "SerializationException", "Could not parse the request body as JSON.");
        }
      }
      this.calls.push({ operation: route.operation, functionName: name || (json.FunctionName as string | undefined), region: auth.region, body: json });
      const fault = this.faults.find((f) => !f.operation || f.operation === route.operation);
      if (fault) {
        if (--fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
        throw new LambdaApiError(fault.status, fault.type, fault.message);
      }
      const result = await route.run(this.state, auth.region, name, json);
      this.reply(res, route.status, result);
    } catch (error) {
      if (!(error instanceof LambdaApiError)) throw error;
      this.errors.push({ operation, type: error.type });
      res.writeHead(error.status, { "content-type": "application/json", "x-amzn-errortype": error.type, "x-amzn-requestid": randomUUID() });
      res.end(JSON.stringify({ Type: error.status >= 500 ? "Service" : "User", message: error.message }));
    }
  }

  private reply(res: ServerResponse, status: number, result: Json): void {
    res.writeHead(status, { "content-type": "application/json", "x-amzn-requestid": randomUUID() });
    res.end(JSON.stringify(result));
  }
}
