// Issue 13's whole promise, as a user meets it: a workspace of projects written for the clouds
// (test/fixtures/cloud-workspace: a SAM app with parameters, mappings, a condition, a layer, a
// folder, a zip, an inline and an image function; a Serverless Framework AWS service; a
// multi-scf project; an scf project) started with `faasbox start`, which lists every function
// and every feature it does not emulate with what that means; then each function is invoked
// with `faasbox invoke` and answers as its code says.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, cpSync, createWriteStream, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yazl from "yazl";
import { leftoverContainers, requireDocker } from "../helpers/docker";
import { runCliAsync } from "../helpers/cli";
import { FIXTURES, waitFor } from "../helpers/emulator";
import { CLI } from "../helpers/paths";

/** The zip package the SAM app's ZippedOrders names, made as `sam build`'s zip would be. */
function zipFolder(file: string, files: Record<string, string>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, source] of Object.entries(files)) zip.addFile(source, name);
  zip.end();
  return new Promise((resolve, reject) => void zip.outputStream.pipe(createWriteStream(file)).on("close", resolve).on("error", reject));
}

const FUNCTIONS = ["ListOrders", "ZippedOrders", "InlineHealth", "ImageReport", "getProduct", "shop-report", "shop-cleanup", "shop-hello"];

describe("a workspace of cloud projects, none written for Faasbox", () => {
  let root: string;
  let server: ChildProcess;
  let output = "";

  before(async () => {
    await requireDocker();
    root = mkdtempSync(join(tmpdir(), "faasbox-cloud-workspace-"));
    chmodSync(root, 0o755);
    cpSync(join(FIXTURES, "cloud-workspace"), root, { recursive: true });
    mkdirSync(join(root, "sam-app", "build"));
    await zipFolder(join(root, "sam-app", "build", "orders.zip"), { "index.js": join(root, "sam-app", "zip-src", "index.js") });
    server = spawn(process.execPath, [CLI, "start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (chunk) => (output += chunk));
    server.stderr!.on("data", (chunk) => (output += chunk));
    await waitFor(() => /^Lambda Invoke API: /m.test(output), `faasbox start to list the functions:\n${output}`, 30_000);
  });

  after(async () => {
    if (server && server.exitCode === null) {
      server.kill("SIGINT");
      await new Promise((resolve) => server.once("exit", resolve));
    }
    assert.deepEqual(await leftoverContainers(await requireDocker()), []);
  });

  test("faasbox start lists every function, and no manifest error", () => {
    const listed = output.split("\n").filter((line) => line.startsWith("  ")).map((line) => line.trim().split(/\s+/)[0]);
    for (const name of FUNCTIONS) assert.ok(listed.includes(name), `${name} is listed:\n${output}`);
    assert.doesNotMatch(output, /^error: /m, output);
  });

  test("what is not emulated is listed at its file and line with what it means locally", () => {
    const warnings = output.split("\n").filter((line) => line.startsWith("warning: "));
    const at = (file: string, pattern: RegExp) => warnings.find((line) => line.includes(join(root, file)) && pattern.test(line));
    const sam = "sam-app/template.yaml";
    assert.ok(at(sam, /:\d+: Globals\.Function\.Tracing: .*X-Ray/), `Tracing:\n${warnings.join("\n")}`);
    assert.ok(at(sam, /:\d+: .*TABLE_NAME.*OrdersTable/), `the table placeholder:\n${warnings.join("\n")}`);
    assert.ok(at(sam, /:\d+: Resources\.ProdAudit\.Condition: condition IsProd is false/), `the condition:\n${warnings.join("\n")}`);
    assert.ok(at("scf-hello/serverless.yml", /:\d+: inputs\.vpcConfig: .*VPC/), `vpcConfig:\n${warnings.join("\n")}`);
    for (const line of warnings.filter((w) => w.includes(root))) assert.match(line, /^warning: \/\S+:\d+: \S+: .+/, "each names FILE:LINE: FIELD: what it means");
  });

  test("each function runs as its code says", async () => {
    // Through the running emulator, as a user's second terminal would (no --event: an empty event).
    const invoke = async (name: string) => {
      const result = await runCliAsync(["invoke", name, "--project", root]);
      assert.equal(result.status, 0, `${name}: ${result.stderr}`);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    assert.deepEqual(await invoke("ListOrders"), { greeting: "hello orders, from the shared layer", logLevel: "debug", table: "OrdersTable" });
    assert.equal((await invoke("ZippedOrders")).zipped, true);
    assert.deepEqual(await invoke("InlineHealth"), { healthy: true, logLevel: "debug" });
    assert.equal((await invoke("ImageReport")).report, "from the image");
    const product = await invoke("getProduct");
    assert.equal(product.statusCode, 200);
    assert.deepEqual(await invoke("shop-report"), { job: "report" });
    assert.equal((await invoke("shop-cleanup")).job, "cleanup");
    assert.deepEqual(await invoke("shop-hello"), { hello: "scf", function: "shop-hello" });
  });
});
