// The Lambda-compatible Invoke API with the clients people point at it: the AWS CLI v2
// and the AWS SDK for JavaScript v3, against functions in real containers, invoked
// synchronously, asynchronously through the queue, throttled, and refused.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { InvokeCommand, LambdaClient, type InvokeCommandInput, type InvokeCommandOutput } from "@aws-sdk/client-lambda";
import { AsyncQueue } from "../../emulator/triggers/async/asyncQueue";
import type { AsyncEventInfo, InvokeResult } from "../../emulator/protocol";
import type { Engine } from "../../emulator/core/engine";
import { toInvokeResult } from "../../emulator/core/invoke/invocationReport";
import { emulatorTarget, InvokeApiServer } from "../../emulator/triggers/invokeApi";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { messageOf } from "../helpers/logLines";
import { startEmulator } from "../helpers/emulator";

/** An emulator, its async queue and the Invoke API in front of both, as the daemon wires them. */
interface Stack {
  emulator: Engine;
  queue: AsyncQueue;
  url: string;
  /** Events the queue delivered, and every invocation that finished, in order. */
  delivered: AsyncEventInfo[];
  invoked: InvokeResult[];
  shutdown(): Promise<void>;
}

async function startStack(fixture: string): Promise<Stack> {
  await requireDocker();
  const emulator = await startEmulator(fixture, { executor: "docker" });
  const queue = new AsyncQueue(mkdtempSync(join(tmpdir(), "faasbox-invoke-api-queue-")), (name, payload, requestId) => emulator.run(name, payload, { requestId }));
  const delivered: AsyncEventInfo[] = [];
  const invoked: InvokeResult[] = [];
  queue.onOutcome((event, outcome) => {
    if (outcome === "delivered") delivered.push(event);
  });
  emulator.on("invoked", (report) => invoked.push(toInvokeResult(report)));
  queue.start();
  const server = new InvokeApiServer(emulatorTarget(emulator, queue), { port: 0 });
  const url = await server.listen();
  return {
    emulator, queue, url, delivered, invoked,
    shutdown: async () => {
      await server.close();
      queue.stop();
      await emulator.shutdown();
    },
  };
}

function sdkClient(url: string, maxAttempts?: number): LambdaClient {
  // Faasbox supports Node.js 20; the SDK's notice about its future Node.js 22 floor is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  return new LambdaClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts });
}

async function sdkError(client: LambdaClient, input: InvokeCommandInput): Promise<any> {
  try {
    const output = await client.send(new InvokeCommand(input));
    return assert.fail(`expected an error, got status ${output.StatusCode}`);
  } catch (error) {
    return error;
  }
}

function payloadOf(output: InvokeCommandOutput): any {
  return JSON.parse(Buffer.from(output.Payload!).toString("utf8"));
}

function decodeLog(logResult: string | undefined): string[] {
  assert.ok(logResult, "a LogResult");
  return Buffer.from(logResult, "base64").toString("utf8").split("\n");
}

/**
 * The AWS CLI v2 (Debian's awscli package, installed by `npm run setup`). An older v1
 * earlier on PATH (pip, pyenv) is passed over: it lacks --cli-binary-format.
 */
function awsCliV2(): string {
  const candidates = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, "aws")), "/usr/bin/aws"];
  const seen: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ["--version"], { encoding: "utf8", timeout: 30_000 });
    const said = `${version.stdout ?? ""}${version.stderr ?? ""}`.trim();
    if (/^aws-cli\/2\./.test(said)) return candidate;
    seen.push(`${candidate}: ${said.split("\n")[0] || `exit ${version.status}`}`);
  }
  return assert.fail(`the Invoke API tests need the AWS CLI v2 (Debian's awscli package): run 'npm run setup'. Found: ${seen.join("; ") || "no aws on PATH"}`);
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously: the server it calls runs in this process, so a sync spawn would deadlock. */
function runAws(cli: string, args: string[]): Promise<CliRun> {
  const isolated = mkdtempSync(join(tmpdir(), "faasbox-aws-cli-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    // Neither the user's profiles nor their real credentials take part.
    AWS_CONFIG_FILE: join(isolated, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(isolated, "credentials"),
  };
  for (const name of ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA"]) delete env[name];
  return new Promise((resolve) => {
    execFile(cli, args, { env, timeout: 120_000, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("Invoke API with the AWS CLI v2 (docker executor)", () => {
  let stack: Stack;
  let cli: string;
  let out: string;
  const invoke = (name: string, payload: string, ...extra: string[]) => {
    const outfile = join(out, `${name}-${Date.now()}-${Math.random().toString(36).slice(2)}.out`);
    const args = ["lambda", "invoke", "--endpoint-url", stack.url, "--output", "json", "--function-name", name,
      "--cli-binary-format", "raw-in-base64-out", "--payload", payload, ...extra, outfile];
    return runAws(cli, args).then((run) => ({ ...run, outfile }));
  };
  before(async () => {
    cli = awsCliV2();
    out = mkdtempSync(join(tmpdir(), "faasbox-invoke-api-out-"));
    stack = await startStack("runtime");
  });
  after(() => stack?.shutdown());

  test("a synchronous invoke answers StatusCode 200, the result in the outfile and the log tail", async () => {
    const run = await invoke("node-cjs", '{"hello":"cli"}', "--log-type", "Tail");
    assert.equal(run.code, 0, run.stderr);
    const output = JSON.parse(run.stdout);
    assert.equal(output.StatusCode, 200);
    assert.equal(output.ExecutedVersion, "$LATEST");
    assert.equal(output.FunctionError, undefined);
    const lines = decodeLog(output.LogResult);
    assert.match(lines[0], /^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
    assert.ok(lines.map(messageOf).includes('cjs handler got {"hello":"cli"}'), lines.join("\n"));
    assert.ok(lines.some((line) => line.startsWith("END RequestId:")), lines.join("\n"));
    assert.ok(lines.some((line) => line.startsWith("REPORT RequestId:")), lines.join("\n"));
    const result = JSON.parse(readFileSync(run.outfile, "utf8"));
    assert.deepEqual(result.event, { hello: "cli" });
    assert.equal(result.context.functionName, "node-cjs");
  });

  test("a full ARN with the $LATEST qualifier names the same function (Python here)", async () => {
    const run = await invoke("arn:aws:lambda:us-east-1:000000000000:function:python-aws", '{"via":"arn"}', "--qualifier", "$LATEST");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).StatusCode, 200);
    assert.deepEqual(JSON.parse(readFileSync(run.outfile, "utf8")).event, { via: "arn" });
  });

  test("a function error is FunctionError Unhandled, with the error as the payload in its runtime's shape", async () => {
    const run = await invoke("node-throw", "{}");
    assert.equal(run.code, 0, run.stderr);
    const output = JSON.parse(run.stdout);
    assert.equal(output.StatusCode, 200);
    assert.equal(output.FunctionError, "Unhandled");
    const error = JSON.parse(readFileSync(run.outfile, "utf8"));
    assert.equal(error.errorType, "ValidationError");
    assert.equal(error.errorMessage, "name is required");
    // As Node.js Lambda runtimes shape it: the stack is `trace`, its first line the error itself.
    assert.equal(error.trace[0], "ValidationError: name is required", JSON.stringify(error));
    assert.ok(error.trace.slice(1).some((line: string) => /^\s+at /.test(line)), JSON.stringify(error));
    assert.equal(error.stackTrace, undefined);

    // As Python's runtime client shapes it: `stackTrace` frames and the request id.
    const python = await invoke("python-raise", "{}");
    assert.equal(JSON.parse(python.stdout).FunctionError, "Unhandled");
    const pyError = JSON.parse(readFileSync(python.outfile, "utf8"));
    assert.equal(pyError.errorType, "QuotaError");
    assert.equal(pyError.errorMessage, "quota exhausted");
    assert.match(pyError.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(pyError.stackTrace.some((frame: string) => frame.includes("app.py")), JSON.stringify(pyError));
  });

  test("an unknown function fails with ResourceNotFoundException and its ARN", async () => {
    const run = await invoke("no-such-function", "{}");
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /\(ResourceNotFoundException\)/);
    assert.match(run.stderr, /Function not found: arn:aws:lambda:us-east-1:\d{12}:function:no-such-function/);
  });

  test("an unpublished version is not found either", async () => {
    const run = await invoke("node-cjs", "{}", "--qualifier", "7");
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /Function not found: arn:aws:lambda:us-east-1:\d{12}:function:node-cjs:7/);
  });

  test("an Event invocation answers 202 and the queue then delivers the event to the function", async () => {
    const run = await invoke("node-cjs", '{"hello":"event-cli"}', "--invocation-type", "Event");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).StatusCode, 202);
    assert.equal(readFileSync(run.outfile, "utf8"), "");
    await stack.queue.idle();
    const event = stack.delivered.find((e) => e.payload === '{"hello":"event-cli"}');
    assert.ok(event, JSON.stringify(stack.delivered));
    assert.equal(event.function, "node-cjs");
    assert.equal(event.source, "invoke-api");
    const ran = stack.invoked.find((r) => (r.result as any)?.event?.hello === "event-cli");
    assert.equal(ran?.ok, true);
  });

  test("a DryRun answers 204 without running the function", async () => {
    const before = stack.invoked.length;
    const run = await invoke("node-cjs", "{}", "--invocation-type", "DryRun");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).StatusCode, 204);
    assert.equal(stack.invoked.length, before);
  });
});

describe("Invoke API with @aws-sdk/client-lambda (docker executor)", () => {
  let stack: Stack;
  let client: LambdaClient;
  before(async () => {
    stack = await startStack("runtime");
    client = sdkClient(stack.url);
  });
  after(async () => {
    client?.destroy();
    await stack?.shutdown();
  });

  test("a result is returned as the runtime's bytes: integers beyond 2^53 and 1.0 survive", async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: "python-big-numbers" }));
    assert.equal(Buffer.from(output.Payload!).toString("utf8"), '{"id": 9223372036854775808, "ratio": 1.0}');
  });

  test("RequestResponse: StatusCode 200, the payload, the executed version and the log tail", async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: "node-cjs", Payload: Buffer.from(JSON.stringify({ hello: "sdk" })), LogType: "Tail" }));
    assert.equal(output.StatusCode, 200);
    assert.equal(output.FunctionError, undefined);
    assert.equal(output.ExecutedVersion, "$LATEST");
    const result = payloadOf(output);
    assert.deepEqual(result.event, { hello: "sdk" });
    assert.equal(result.context.awsRequestId, output.$metadata.requestId);
    const lines = decodeLog(output.LogResult);
    assert.ok(lines[0].startsWith("START RequestId: "), lines.join("\n"));
    assert.ok(lines.map(messageOf).includes('cjs handler got {"hello":"sdk"}'), lines.join("\n"));
    assert.ok(lines.map(messageOf).includes("a line on stderr"), lines.join("\n"));
  });

  test("a partial ARN and the Qualifier parameter are accepted; without a payload the event is {}", async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: "000000000000:function:node-cjs", Qualifier: "$LATEST" }));
    assert.equal(output.StatusCode, 200);
    assert.deepEqual(payloadOf(output).event, {});
    assert.equal(output.LogResult, undefined, "no log tail unless asked");
  });

  test("a thrown error, an init error and a timeout are all FunctionError Unhandled with the error payload", async () => {
    const thrown = await client.send(new InvokeCommand({ FunctionName: "node-throw", Payload: Buffer.from("{}") }));
    assert.equal(thrown.StatusCode, 200);
    assert.equal(thrown.FunctionError, "Unhandled");
    assert.equal(payloadOf(thrown).errorType, "ValidationError");
    assert.equal(payloadOf(thrown).errorMessage, "name is required");
    const init = await client.send(new InvokeCommand({ FunctionName: "node-not-exported", Payload: Buffer.from("{}") }));
    assert.equal(init.FunctionError, "Unhandled");
    assert.equal(payloadOf(init).errorType, "Runtime.HandlerNotFound");
    const timeout = await client.send(new InvokeCommand({ FunctionName: "node-timeout", Payload: Buffer.from("{}") }));
    assert.equal(timeout.FunctionError, "Unhandled");
    assert.equal(payloadOf(timeout).errorType, "Sandbox.Timedout");
    assert.match(payloadOf(timeout).errorMessage, /Task timed out after 1\.00 seconds/);
  });

  test("an unknown function is a ResourceNotFoundException naming its ARN", async () => {
    const error = await sdkError(client, { FunctionName: "no-such-function", Payload: Buffer.from("{}") });
    assert.equal(error.name, "ResourceNotFoundException");
    assert.equal(error.$metadata.httpStatusCode, 404);
    assert.match(error.message, /^Function not found: arn:aws:lambda:us-east-1:\d{12}:function:no-such-function$/);
    assert.equal(error.Type, "User");
  });

  test("Event answers 202 and the queue delivers the event", async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: "node-cjs", InvocationType: "Event", Payload: Buffer.from('{"hello":"event-sdk"}') }));
    assert.equal(output.StatusCode, 202);
    await stack.queue.idle();
    assert.ok(stack.delivered.some((e) => e.function === "node-cjs" && e.payload === '{"hello":"event-sdk"}' && e.source === "invoke-api"));
    const ran = stack.invoked.find((r) => r.ok && (r.result as any)?.event?.hello === "event-sdk");
    // The id the caller was given is the invocation's: the runtime saw it, its log lines carry it.
    assert.equal(ran?.requestId, output.$metadata.requestId);
    assert.equal((ran?.result as any)?.context?.awsRequestId, output.$metadata.requestId);
  });

  test("past the concurrency limit with no queue, invocations are TooManyRequestsException", async () => {
    const once = sdkClient(stack.url, 1); // the SDK would otherwise retry throttles
    try {
      const settled = await Promise.allSettled(Array.from({ length: 8 }, () =>
        once.send(new InvokeCommand({ FunctionName: "node-slow", Payload: Buffer.from('{"ms":800}') }))));
      const served = settled.filter((s) => s.status === "fulfilled");
      const refused = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected").map((s) => s.reason);
      assert.ok(refused.length >= 1, "some invocations are throttled");
      assert.ok(served.length >= 1 && served.length <= 5, `at most 5 run at once, ${served.length} did`);
      for (const error of refused) {
        assert.equal(error.name, "TooManyRequestsException", String(error));
        assert.equal(error.$metadata.httpStatusCode, 429);
        assert.equal(error.Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
        assert.match(error.message, /^Rate Exceeded\./);
      }
    } finally {
      once.destroy();
    }
  });

  test("a payload that is not JSON is an InvalidRequestContentException", async () => {
    const error = await sdkError(client, { FunctionName: "node-cjs", Payload: Buffer.from("{not json") });
    assert.equal(error.name, "InvalidRequestContentException");
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, /^Could not parse request body into json/);
  });

  test("payloads over the limits are RequestTooLargeException: 6 MB synchronous, 1 MB Event", async () => {
    const sync = await sdkError(client, { FunctionName: "node-cjs", Payload: Buffer.from(JSON.stringify({ s: "x".repeat(6 * 1024 * 1024) })) });
    assert.equal(sync.name, "RequestTooLargeException");
    assert.equal(sync.$metadata.httpStatusCode, 413);
    const event = await sdkError(client, { FunctionName: "node-cjs", InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ s: "x".repeat(1100 * 1024) })) });
    assert.equal(event.name, "RequestTooLargeException");
    assert.match(event.message, /too large for the Event invocation type \(limit 1048576 bytes\)/);
    // 900 KB is fine for an event (it was not before 2025's 1 MB), and the queue delivers it.
    const fits = await client.send(new InvokeCommand({ FunctionName: "node-cjs", InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ s: "y".repeat(900 * 1024) })) }));
    assert.equal(fits.StatusCode, 202);
    await stack.queue.idle();
  });

  test("unsigned requests work too; other methods and paths get Lambda-shaped errors", async () => {
    const unsigned = await fetch(`${stack.url}/2015-03-31/functions/node-cjs/invocations`, { method: "POST", body: '{"plain":true}' });
    assert.equal(unsigned.status, 200);
    assert.deepEqual(((await unsigned.json()) as any).event, { plain: true });
    const wrongMethod = await fetch(`${stack.url}/2015-03-31/functions/node-cjs/invocations`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    const elsewhere = await fetch(`${stack.url}/2015-03-31/functions`);
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.headers.get("x-amzn-errortype"), "UnknownOperationException");
    assert.match(((await elsewhere.json()) as any).message, /POST \/2015-03-31\/functions\/\{FunctionName\}\/invocations.*node-cjs/);
    const badType = await sdkError(client, { FunctionName: "node-cjs", InvocationType: "Sometimes" as any });
    assert.equal(badType.name, "InvalidParameterValueException");
  });
});

describe("Invoke API text results and client context (docker executor)", () => {
  let stack: Stack;
  let client: LambdaClient;
  before(async () => {
    stack = await startStack("invoke-api");
    client = sdkClient(stack.url);
  });
  after(async () => {
    client?.destroy();
    await stack?.shutdown();
  });

  test("X-Amz-Client-Context reaches the function's context decoded", async () => {
    const clientContext = { custom: { tenant: "acme" }, env: { locale: "en-GB" } };
    const output = await client.send(new InvokeCommand({
      FunctionName: "node-context",
      ClientContext: Buffer.from(JSON.stringify(clientContext)).toString("base64"),
      Payload: Buffer.from('{"n":1}'),
    }));
    assert.deepEqual(payloadOf(output), { event: { n: 1 }, clientContext });
    // Pretty-printed and non-ASCII: it still reaches the function, as the same value.
    const unicode = { custom: { name: "张三", note: "line one\nline two" } };
    const pretty = await client.send(new InvokeCommand({
      FunctionName: "node-context",
      ClientContext: Buffer.from(JSON.stringify(unicode, null, 2)).toString("base64"),
      Payload: Buffer.from('{"n":2}'),
    }));
    assert.deepEqual(payloadOf(pretty), { event: { n: 2 }, clientContext: unicode });
    const without = await client.send(new InvokeCommand({ FunctionName: "node-context" }));
    assert.equal(payloadOf(without).clientContext, null);
  });

  test("a custom runtime's plain-text answer comes back as the same bytes, not as a JSON string", async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: "custom-text", Payload: Buffer.from("{}") }));
    assert.equal(output.FunctionError, undefined);
    assert.equal(Buffer.from(output.Payload!).toString("utf8"), "plain text, not JSON");
  });

  test("a client context that is not base64 JSON is an InvalidRequestContentException", async () => {
    const notBase64 = await sdkError(client, { FunctionName: "node-context", ClientContext: "not base64!" });
    assert.equal(notBase64.name, "InvalidRequestContentException");
    const notJson = await sdkError(client, { FunctionName: "node-context", ClientContext: Buffer.from("not json").toString("base64") });
    assert.equal(notJson.name, "InvalidRequestContentException");
    assert.match(notJson.message, /Client context must be a valid Base64-encoded JSON object/);
  });
});

test("no container is left once the emulators have shut down", async () => {
  assert.deepEqual((await leftoverContainers(await requireDocker())).map((c) => c.Names), []);
});
