// The lines Faasbox's runtime shims print, compared line by line with the example lines each cloud
// documents. The shims run for real as local processes (the process executor); a line's time and
// request id differ from the example's, so both sides have them replaced by <time> and <id> first.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../../emulator/core/engine";
import type { LogRecord } from "../../../emulator/protocol";
import { startEmulator } from "../../helpers/emulator";

const shape = (line: string): string =>
  line.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<time>").replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>");

/** The produced line whose message part is `message`, in the shape of `documented`. */
function assertSameShape(logs: LogRecord[], documented: string, message: string, produced = (t: string) => t.endsWith(message)): void {
  const line = logs.map((r) => r.text).find(produced);
  assert.ok(line, `no line ending in ${JSON.stringify(message)} among:\n${logs.map((r) => r.text).join("\n")}`);
  const documentedMessage = documented.split(/\t| (?=\S+$)/).at(-1)!;
  assert.equal(shape(line).slice(0, -message.length), shape(documented).slice(0, -documentedMessage.length));
}

describe("log lines as the clouds document them", () => {
  let emulator: Engine;
  before(async () => {
    emulator = await startEmulator("log-formats", { executor: "process" });
  });
  after(() => emulator.shutdown());

  test("Lambda Node.js console lines", async () => {
    const result = await emulator.invoke("node-aws", { levels: true });
    // https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html, "Example log format"
    assertSameShape(result.logs, "2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\tENVIRONMENT", "info line");
    assertSameShape(result.logs, "2019-06-07T19:11:20.564Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tWARN\tEvent", "warn line");
  });

  test("Lambda Node.js: an init error as the runtime logs it, request id undefined", async () => {
    const result = await emulator.invoke("node-aws-missing", {});
    assert.equal(result.error?.errorType, "Runtime.ImportModuleError");
    // As quoted in https://github.com/aws/aws-lambda-builders/pull/513 (sam local invoke of nodejs18.x)
    const documented = '2023-06-07T17:10:20.910Z\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":';
    const line = result.logs.map((r) => r.text).find((t) => t.includes("Uncaught Exception"));
    assert.ok(line, result.logs.map((r) => r.text).join("\n"));
    assert.equal(shape(line).slice(0, shape(documented).length), shape(documented));
  });

  test("SCF Node.js console lines", async () => {
    const result = await emulator.invoke("node-scf", { levels: true });
    // https://www.tencentcloud.com/document/product/583/46772, "Log output"
    assertSameShape(result.logs, "2021-12-27T03:53:59.192Z a7358cce-489a-4674-8e4e-68665fa2b81d Hello", "info line");
  });

  test("Lambda Python: the unhandled exception's lines", async () => {
    const result = await emulator.invoke("python-aws", { fail: "second!" });
    const error = result.logs.find((r) => r.text.startsWith("[ERROR]"));
    // The runtime's lines for `raise Exception("second!")`, quoted in
    // https://github.com/aws/aws-lambda-python-runtime-interface-client/issues/25
    const documented = ["[ERROR] Exception: second!", "Traceback (most recent call last):", '  File "/Users/piotr/dev/bazel-fun/python/src/logging_with_cause/test.py", line 85, in <module>'];
    const lines = (error?.text ?? "").split("\n");
    assert.equal(lines[0].replace("OrderError", "Exception"), documented[0]);
    assert.equal(lines[1], documented[1]);
    const frame = /^ {2}File "[^"]+", line \d+, in \S+$/;
    assert.match(documented[2], frame);
    assert.match(lines[2], frame);
  });
});
