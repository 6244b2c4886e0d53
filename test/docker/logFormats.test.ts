// The function's log lines as each cloud's runtime prints them: console levels, errors the handler
// did not handle, lines left open, the init phase, no Faasbox frame anywhere, Max Memory Used.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../emulator/core/engine";
import type { LogRecord } from "../../emulator/protocol";
import { requireDocker } from "../helpers/docker";
import { startEmulator } from "../helpers/emulator";

const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
const texts = (logs: LogRecord[]): string[] => logs.map((r) => r.text);
const shown = (logs: LogRecord[]): string => texts(logs).join("\n");
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("log formats (docker executor)", () => {
  let emulator: Engine;
  before(async () => {
    await requireDocker();
    emulator = await startEmulator("log-formats", { executor: "docker" });
  });
  after(() => emulator.shutdown());

  test("Node.js on Lambda: init lines before START, console levels, an open line, the Invoke Error line", async () => {
    const first = await emulator.invoke("node-aws", { levels: true, partial: "left open" });
    assert.equal(first.ok, true, JSON.stringify(first.error));
    const lines = texts(first.logs);
    const start = lines.findIndex((t) => t.startsWith("START RequestId: "));
    // https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html: `<time>\t<request id>\t<LEVEL>\t<message>`
    assert.match(lines[0], new RegExp(`^${ISO}\tundefined\tINFO\tloading the module$`), shown(first.logs));
    assert.equal(lines[1], "init output left open", "output written while loading stays the init phase's");
    assert.ok(start > 1, shown(first.logs));
    assert.ok(first.logs.slice(0, start).every((r) => r.requestId === undefined), "the init phase has no request id");
    const id = escape(first.requestId);
    for (const [level, message] of [["INFO", "log says hi"], ["INFO", "info line"], ["DEBUG", "debug line"], ["WARN", "warn line"], ["ERROR", "error line"], ["TRACE", "trace line"]]) {
      assert.ok(lines.some((t) => new RegExp(`^${ISO}\t${id}\t${level}\t${message}$`).test(t)), `${level} ${message}:\n${shown(first.logs)}`);
    }
    const open = first.logs.find((r) => r.text === "left open");
    assert.equal(open?.requestId, first.requestId, "a line without a trailing newline is still the request's");

    const failed = await emulator.invoke("node-aws", { fail: "out of stock" });
    assert.equal(failed.error?.errorType, "OrderError");
    const invokeError = failed.logs.find((r) => r.text.includes("Invoke Error"));
    assert.ok(invokeError, shown(failed.logs));
    const match = new RegExp(`^${ISO}\t${escape(failed.requestId)}\tERROR\tInvoke Error \t(\\{.*\\})$`).exec(invokeError.text);
    assert.ok(match, invokeError.text);
    const logged = JSON.parse(match[1]) as { errorType: string; errorMessage: string; stack: string[] };
    assert.deepEqual([logged.errorType, logged.errorMessage, logged.stack[0]], ["OrderError", "out of stock", "OrderError: out of stock"]);
    assert.ok(logged.stack.some((frame) => frame.includes("app.js")), invokeError.text);
    for (const frames of [logged.stack, failed.error?.stackTrace ?? []]) {
      assert.ok(!frames.some((frame) => frame.includes("/faasbox/shims") || frame.includes("bootstrap.js")), frames.join("\n"));
    }
  });

  test("Node.js on SCF: `<time> <request id> <message>`, the error's stack in the same shape", async () => {
    const result = await emulator.invoke("node-scf", { levels: true, fail: "no stock" });
    const id = escape(result.requestId);
    // https://www.tencentcloud.com/document/product/583/46772
    assert.ok(texts(result.logs).some((t) => new RegExp(`^${ISO} ${id} log says hi$`).test(t)), shown(result.logs));
    const error = result.logs.find((r) => r.text.includes("OrderError: no stock"));
    assert.match(error?.text ?? "", new RegExp(`^${ISO} ${id} OrderError: no stock\n\\s+at `), shown(result.logs));
    assert.ok(!error!.text.includes("/faasbox/shims"), error!.text);
  });

  test("Python on Lambda: print as is, logging's format, the [ERROR] line with its traceback, no shim frame", async () => {
    const first = await emulator.invoke("python-aws", { levels: true, partial: "left open" });
    assert.equal(first.ok, true, JSON.stringify(first.error));
    const lines = texts(first.logs);
    assert.deepEqual(lines.slice(0, 2), ["loading the module", "init output left open"], shown(first.logs));
    assert.ok(lines.includes("print line"));
    const id = escape(first.requestId);
    // https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html: `[LEVEL]\t<time>\t<request id>\t<message>`
    assert.ok(lines.some((t) => new RegExp(`^\\[INFO\\]\t${ISO}\t${id}\tinfo from logging$`).test(t)), shown(first.logs));
    assert.ok(lines.some((t) => new RegExp(`^\\[WARNING\\]\t${ISO}\t${id}\twarning from logging$`).test(t)), shown(first.logs));
    assert.equal(first.logs.find((r) => r.text === "left open")?.requestId, first.requestId);

    const failed = await emulator.invoke("python-aws", { fail: "out of stock" });
    const error = failed.logs.find((r) => r.text.startsWith("[ERROR]"));
    const errorLines = (error?.text ?? "").split("\n");
    assert.deepEqual(errorLines.slice(0, 3), ["[ERROR] OrderError: out of stock", "Traceback (most recent call last):", errorLines[2]], shown(failed.logs));
    assert.match(errorLines[2], /^ {2}File "\/var\/task\/app\.py", line \d+, in handler$/, "the first frame is the function's own");
    assert.ok(errorLines.some((line) => /in check$/.test(line)));
    for (const text of [error!.text, ...(failed.error?.stackTrace ?? [])]) assert.ok(!text.includes("bootstrap.py"), text);
  });

  test("Python on SCF: print as is, the error logged with its traceback", async () => {
    const result = await emulator.invoke("python-scf", { levels: true, fail: "no stock" });
    assert.ok(texts(result.logs).includes("print line"), shown(result.logs));
    const error = result.logs.find((r) => r.text.startsWith("[ERROR] OrderError: no stock\nTraceback (most recent call last):\n"));
    assert.ok(error, shown(result.logs));
    assert.ok(!error.text.includes("bootstrap.py"), error.text);
  });

  test("a custom runtime's REPORT has a Max Memory Used figure", async () => {
    const result = await emulator.invoke("custom-aws", {});
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const report = result.logs.at(-1)!.text;
    assert.match(report, /\tMax Memory Used: \d+ MB/, report);
    assert.ok((result.memory.maxUsedMb ?? 0) > 0, JSON.stringify(result.memory));
  });
});
