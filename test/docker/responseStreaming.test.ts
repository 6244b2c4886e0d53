// Lambda response streaming on real containers, met as people meet it: the AWS SDK's
// InvokeWithResponseStreamCommand and InvokeCommand against the Invoke API, the `faasbox invoke`
// CLI, an HTTP client and a headless Chromium's EventSource. The first chunk must arrive while the
// handler still runs: each handler's last chunk says when it ended (the host's and the container's
// clocks are the same kernel's), and the first chunk's arrival is compared with it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient, type InvokeWithResponseStreamCommandInput } from "@aws-sdk/client-lambda";
import { chromium } from "playwright-core";
import { resolveImages } from "../../emulator/config/images";
import { Engine } from "../../emulator/core/engine";
import { Daemon } from "../../emulator/daemon/daemon";
import type { InvocationReport } from "../../emulator/core/invoke/invocationReport";
import { AsyncQueue } from "../../emulator/triggers/async/asyncQueue";
import { emulatorTarget, InvokeApiServer } from "../../emulator/triggers/invokeApi";
import { CdpClient } from "../helpers/cdpClient";
import { chromiumBinary } from "../helpers/codeServer";
import { requireDocker } from "../helpers/docker";
import { copyFixture, startEmulator } from "../helpers/emulator";
import { CLI } from "../helpers/paths";

/** A margin well inside the handlers' 1 s pause: the first chunk must beat the handler's end by this much. */
const MARGIN_MS = 500;

function sdkClient(url: string): LambdaClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  return new LambdaClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
}

interface StreamedCall {
  chunks: Array<{ at: number; bytes: Buffer }>;
  complete?: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string };
  contentType?: string;
  text: string;
}

async function streamThroughSdk(client: LambdaClient, input: InvokeWithResponseStreamCommandInput): Promise<StreamedCall> {
  const output = await client.send(new InvokeWithResponseStreamCommand(input));
  const call: StreamedCall = { chunks: [], contentType: output.ResponseStreamContentType, text: "" };
  for await (const event of output.EventStream!) {
    if (event.PayloadChunk?.Payload) call.chunks.push({ at: Date.now(), bytes: Buffer.from(event.PayloadChunk.Payload) });
    if (event.InvokeComplete) call.complete = { ...event.InvokeComplete };
  }
  call.text = Buffer.concat(call.chunks.map((c) => c.bytes)).toString("utf8");
  return call;
}

/** The handler's "ended at <ms>" line. */
function endedAt(text: string): number {
  const match = /ended at (\d+)/.exec(text);
  assert.ok(match, `the stream ends with "ended at <ms>": ${JSON.stringify(text.slice(-200))}`);
  return Number(match[1]);
}

describe("response streaming (docker executor)", () => {
  let emulator: Engine;
  let invokeApi: InvokeApiServer;
  let client: LambdaClient;
  let queue: AsyncQueue;
  const reports: InvocationReport[] = [];
  const lastReportOf = (name: string) => [...reports].reverse().find((r) => r.function === name);

  before(async () => {
    await requireDocker();
    emulator = await startEmulator("response-streaming", { executor: "docker" });
    emulator.on("invoked", (report) => reports.push(report));
    queue = new AsyncQueue(mkdtempSync(join(tmpdir(), "faasbox-streaming-queue-")), (name, payload, requestId) => emulator.run(name, payload, { requestId }));
    invokeApi = new InvokeApiServer(emulatorTarget(emulator, queue), { port: 0 });
    client = sdkClient(await invokeApi.listen());
  });
  after(async () => {
    await invokeApi?.close();
    await emulator?.shutdown();
  });

  test("InvokeWithResponseStream: the first chunk reaches the SDK while the handler still runs, then InvokeComplete with the log tail", async () => {
    const call = await streamThroughSdk(client, { FunctionName: "node-stream", Payload: Buffer.from(JSON.stringify({ mode: "timed" })), LogType: "Tail" });
    assert.equal(call.chunks[0].bytes.toString("utf8"), "first chunk\n");
    const ended = endedAt(call.text);
    assert.ok(call.chunks[0].at < ended - MARGIN_MS, `first chunk at ${call.chunks[0].at}, handler ended at ${ended}`);
    assert.equal(call.complete?.ErrorCode, undefined, JSON.stringify(call.complete));
    const log = Buffer.from(call.complete?.LogResult ?? "", "base64").toString("utf8");
    assert.match(log, /first chunk written/);
    assert.match(log, /REPORT RequestId: \S+\tDuration: /);

    // The invocation is recorded as a buffered one is: the whole stream's duration, and its bytes.
    const report = lastReportOf("node-stream");
    assert.ok(report?.ok);
    assert.equal(report.streamedBytes, Buffer.byteLength(call.text));
    assert.ok(report.timings.durationMs >= 1000, `the duration covers the whole stream: ${report.timings.durationMs} ms`);
    assert.ok(report.timings.billedMs >= report.timings.durationMs);
  });

  test("plain Invoke of a streaming function returns the whole body at the end, as Lambda's Invoke does", async () => {
    const output = await client.send(new InvokeCommand({ FunctionName: "node-stream", Payload: Buffer.from(JSON.stringify({ mode: "piped" })) }));
    assert.equal(output.StatusCode, 200);
    assert.equal(output.FunctionError, undefined);
    assert.equal(Buffer.from(output.Payload!).toString("utf8"), "one two three", "pipeline() from stream/promises into responseStream");
  });

  test("an error after the first chunk: the SDK gets the chunk, then InvokeComplete with ErrorCode and ErrorDetails; Invoke gets a function error", async () => {
    const call = await streamThroughSdk(client, { FunctionName: "node-stream", Payload: Buffer.from(JSON.stringify({ mode: "fails" })) });
    assert.equal(call.text, "partial ");
    assert.equal(call.complete?.ErrorCode, "TypeError");
    assert.equal(call.complete?.ErrorDetails, "the source broke half way");

    const output = await client.send(new InvokeCommand({ FunctionName: "node-stream", Payload: Buffer.from(JSON.stringify({ mode: "fails" })) }));
    assert.equal(output.FunctionError, "Unhandled");
    const error = JSON.parse(Buffer.from(output.Payload!).toString("utf8")) as { errorType: string; errorMessage: string };
    assert.deepEqual([error.errorType, error.errorMessage], ["TypeError", "the source broke half way"]);
  });

  test("7 MB streams whole to InvokeWithResponseStream; plain Invoke refuses it past its 6 MB", async () => {
    const call = await streamThroughSdk(client, { FunctionName: "node-stream", Payload: Buffer.from(JSON.stringify({ mode: "big" })) });
    assert.equal(call.complete?.ErrorCode, undefined, JSON.stringify(call.complete));
    assert.equal(call.chunks.reduce((sum, c) => sum + c.bytes.length, 0), 7 * 1024 * 1024);
    const output = await client.send(new InvokeCommand({ FunctionName: "node-stream", Payload: Buffer.from(JSON.stringify({ mode: "big" })) }));
    assert.equal(output.FunctionError, "Unhandled");
    assert.match(Buffer.from(output.Payload!).toString("utf8"), /Function.ResponseSizeTooLarge/);
  });

  test("setContentType after the first write throws, as in Lambda's runtime; a stream left open runs into the timeout", async () => {
    const late = await streamThroughSdk(client, { FunctionName: "node-stream", Payload: Buffer.from(JSON.stringify({ mode: "tooLate" })) });
    assert.equal(late.complete?.ErrorCode, "Runtime.InvalidStreamingOperation");
    assert.equal(late.complete?.ErrorDetails, "Cannot set content-type, too late.");

    const open = await streamThroughSdk(client, { FunctionName: "node-open", Payload: Buffer.from("{}") });
    assert.equal(open.text, "never ended", "what was written before the timeout arrived");
    assert.equal(open.complete?.ErrorCode, "Sandbox.Timedout");
  });

  test("a non-streaming function through InvokeWithResponseStream arrives as one chunk; only Lambda functions have the awslambda global", async () => {
    const call = await streamThroughSdk(client, { FunctionName: "node-buffered", Payload: Buffer.from("{}") });
    assert.deepEqual(JSON.parse(call.text), { streaming: false, awslambda: "object" });
    const scf = await emulator.invoke("scf-globals", {});
    assert.equal(scf.ok, true, JSON.stringify(scf.error));
    assert.deepEqual(scf.result, { awslambda: "undefined" }, "SCF's Node.js runtime has no awslambda");
  });

  test("a custom runtime streaming with curl (chunked, streaming mode) works the same", async () => {
    const call = await streamThroughSdk(client, { FunctionName: "custom-stream", Payload: Buffer.from('{"from":"sdk"}') });
    assert.equal(call.complete?.ErrorCode, undefined, JSON.stringify(call.complete));
    assert.match(call.chunks[0].bytes.toString("utf8"), /^first chunk of \{"from":"sdk"\}\n/);
    const ended = endedAt(call.text);
    assert.ok(call.chunks[0].at < ended - MARGIN_MS, `first chunk at ${call.chunks[0].at}, the runtime ended at ${ended}`);
    const report = lastReportOf("custom-stream");
    assert.equal(report?.streamedBytes, Buffer.byteLength(call.text));
  });

  test("faasbox invoke prints the first chunk on stdout while the handler still runs", async () => {
    const eventFile = join(mkdtempSync(join(tmpdir(), "faasbox-stream-event-")), "event.json");
    writeFileSync(eventFile, JSON.stringify({ mode: "timed" }));
    const cli = spawn(process.execPath, [CLI, "invoke", "node-stream", "--project", emulator.root, "--event", eventFile, "--executor", "docker"], { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Array<{ at: number; text: string }> = [];
    let stderr = "";
    cli.stdout.on("data", (chunk: Buffer) => stdout.push({ at: Date.now(), text: chunk.toString("utf8") }));
    cli.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const status = await new Promise<number | null>((resolve) => cli.on("close", resolve));
    const exitedAt = Date.now();
    assert.equal(status, 0, stderr);
    const text = stdout.map((c) => c.text).join("");
    assert.match(text, /^first chunk\nended at \d+\n$/, "the raw bytes, not a JSON result");
    assert.equal(stdout[0].text.startsWith("first chunk"), true);
    const ended = endedAt(text);
    assert.ok(stdout[0].at < ended - MARGIN_MS, `first chunk on stdout at ${stdout[0].at}, handler ended at ${ended}`);
    assert.ok(stdout[0].at < exitedAt - MARGIN_MS, "before the process ended");
    assert.match(stderr, /first chunk written/, "the logs on stderr");
  });
});

describe("a function URL in RESPONSE_STREAM mode (docker executor)", () => {
  let daemon: Daemon;
  let urls: Record<string, string> = {};
  before(async () => {
    await requireDocker();
    daemon = await Daemon.start({ root: copyFixture("response-streaming-url"), executor: "docker", watch: false, httpPort: 0, invokePort: 0 });
    assert.deepEqual(daemon.engine.problems, []);
    urls = Object.fromEntries((daemon.triggers().urls ?? []).map((u) => [u.function, u.url]));
  });
  after(() => daemon?.shutdown());

  test("HttpResponseStream.from's status, headers and cookies, then the first chunk while the handler still runs", async () => {
    const { response, chunks } = await getStreamed(new URL("/created", urls.Streamer).href);
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers["content-type"], "text/plain");
    assert.equal(response.headers["x-streamed-by"], "faasbox-test");
    assert.deepEqual(response.headers["set-cookie"], ["flavour=plain; Path=/", "session=42; HttpOnly"]);
    const text = chunks.map((c) => c.text).join("");
    assert.doesNotMatch(text, /\0/, "the prelude and its NUL delimiter are not part of the body");
    assert.match(text, /^first chunk\n/);
    const ended = endedAt(text);
    assert.ok(chunks[0].at < ended - MARGIN_MS, `first chunk at ${chunks[0].at}, handler ended at ${ended}`);
  });

  test("Debug: a request to the URL stops at a breakpoint in the streaming handler; after resuming, the client gets the stream", async () => {
    const engine = daemon.engine;
    const session = await engine.debugSessions.start(engine.getFunction("Streamer"), "test");
    const cdp = await CdpClient.connect(session);
    try {
      await cdp.send("Debugger.enable");
      await cdp.send("Debugger.setBreakpointByUrl", { urlRegex: "app\\.js$", lineNumber: 32 }); // created.write('first chunk\n')
      await cdp.send("Runtime.runIfWaitingForDebugger");
      assert.equal((await cdp.next("Debugger.paused")).reason, "Break on start");
      await cdp.send("Debugger.resume");

      const streamed = getStreamed(new URL("/created", urls.Streamer).href);
      const paused = await cdp.next("Debugger.paused");
      assert.deepEqual(cdp.where(paused.callFrames[0]), { url: "file:///var/task/app.js", line: 32 });
      await cdp.send("Debugger.resume");
      const { response, chunks } = await streamed;
      assert.equal(response.statusCode, 201);
      assert.match(chunks.map((c) => c.text).join(""), /^first chunk\nended at \d+\n$/);
    } finally {
      cdp.close();
      await engine.debugSessions.stop(session.sessionId);
    }
  });

  test("a function that answers whole behind a RESPONSE_STREAM URL is mapped as in BUFFERED mode", async () => {
    const { response, chunks } = await getStreamed(urls.Whole);
    assert.equal(response.statusCode, 202);
    assert.equal(chunks.map((c) => c.text).join(""), "all at once");
  });

  test("headless Chromium's EventSource receives the function's events in order, as they are sent", async () => {
    const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "faasbox-chromium-")), {
      executablePath: chromiumBinary(),
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const page = await browser.newPage();
      // The page is the function's own answer at "/": it and its events share the URL's origin.
      await page.goto(urls.Streamer);
      // Evaluated in the page, where `window` holds what the page's script noted.
      await page.waitForFunction("window.done === true", undefined, { timeout: 30_000 });
      const received = (await page.evaluate("window.received")) as Array<{ id: string; data: string; at: number }>;
      assert.deepEqual(received.map((e) => e.id), ["1", "2", "3"]);
      const sentAt = received.map((e) => Number(/at (\d+)/.exec(e.data)![1]));
      assert.ok(received[0].at < sentAt[2], `event 1 reached the page at ${received[0].at}, before event 3 was sent at ${sentAt[2]}`);
    } finally {
      await browser.close();
    }
  });
});

describe("response streaming by AWS's own Node.js runtime interface client (docker executor)", () => {
  let emulator: Engine;
  before(async () => {
    await requireDocker();
    const root = copyFixture("response-streaming-ric");
    const client = join(process.env.FAASBOX_CACHE ?? join(homedir(), ".cache", "faasbox"), "runtime-client", "node_modules", "aws-lambda-ric");
    assert.ok(existsSync(join(client, "package.json")), `no aws-lambda-ric in ${client}: run 'npm run setup', which builds it`);
    cpSync(client, join(root, "node_modules", "aws-lambda-ric"), { recursive: true, filter: (path) => !/[\\/]aws-lambda-ric[\\/](deps|src)([\\/]|$)/.test(path) });
    // A custom runtime runs in the custom image, which may have no node: use the Node.js image.
    appendFileSync(join(root, "faasbox.yml"), `images:\n  custom: ${JSON.stringify(resolveImages().nodejs.image)}\n`);
    emulator = await Engine.create({ root, watch: false, executor: "docker" });
    assert.deepEqual(emulator.problems, []);
  });
  after(() => emulator?.shutdown());

  async function runStreamed(event: unknown) {
    const chunks: Array<{ at: number; bytes: Buffer }> = [];
    let contentType: string | undefined;
    const report = await emulator.run("ric-stream", Buffer.from(JSON.stringify(event)), {
      stream: { begin: (type) => (contentType = type), chunk: (bytes) => void chunks.push({ at: Date.now(), bytes }) },
    });
    return { report, chunks, contentType, body: Buffer.concat(chunks.map((c) => c.bytes)) };
  }

  test("its streaming mode works unchanged: the prelude, the first chunk while the handler runs, the end", async () => {
    const { report, chunks, contentType, body } = await runStreamed({});
    assert.equal(report.ok, true, JSON.stringify(report.error));
    assert.equal(contentType, "application/vnd.awslambda.http-integration-response");
    const delimiter = body.indexOf(Buffer.alloc(8));
    assert.deepEqual(JSON.parse(body.subarray(0, delimiter).toString("utf8")), { statusCode: 202, headers: { "x-from": "aws-lambda-ric" } });
    const text = body.subarray(delimiter + 8).toString("utf8");
    assert.match(text, /^first chunk\n/);
    const firstChunkAt = chunks.find((c) => c.bytes.includes("first chunk"))!.at;
    assert.ok(firstChunkAt < endedAt(text) - MARGIN_MS, `first chunk at ${firstChunkAt}, handler ended at ${endedAt(text)}`);
    assert.equal(report.streamedBytes, body.length);
  });

  test("its error trailers fail the invocation after the bytes it sent", async () => {
    const { report, body } = await runStreamed({ fail: true });
    assert.equal(report.ok, false);
    assert.equal(report.errorKind, "function");
    assert.equal(report.error?.errorType, "RangeError");
    assert.equal(report.error?.errorMessage, "the client reports this in its trailers");
    assert.match(body.toString("utf8"), /first chunk/);
  });
});

/** GETs a URL, stamping each body chunk with when it arrived. */
function getStreamed(url: string): Promise<{ response: IncomingMessage; chunks: Array<{ at: number; text: string }> }> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      const chunks: Array<{ at: number; text: string }> = [];
      response.on("data", (chunk: Buffer) => chunks.push({ at: Date.now(), text: chunk.toString("utf8") }));
      response.on("end", () => resolve({ response, chunks }));
      response.on("error", reject);
    }).on("error", reject).end();
  });
}
