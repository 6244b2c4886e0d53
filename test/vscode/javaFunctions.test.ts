// Java functions as a person meets them in the editor: a Lambda project and an SCF project written
// for their clouds (built with javac, as their own build would), listed in the Faasbox tree with the
// runtime they declare and the Java that runs them here, CodeLens over the handler method in the
// .java file, and the invoke panel running each with its cloud's event and showing the result and
// the function's own log lines. Its own workbench; the suite does not run.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS } from "../helpers/paths";
import { compileJava, copyClasses, jarOf } from "../helpers/javaProject";
import { openWorkbench, type Workbench } from "../helpers/workbench";
import { panelLogLines, runFromPalette, webviewFrame } from "./workbenchUi";

/** Debian's Gson (npm run setup installs it): the Lambda handler below logs with it, as AWS's Java examples do. */
const GSON_JAR = "/usr/share/java/gson.jar";

/** A Lambda handler in the style of the developer guide's Java logging page: Gson, LambdaLogger, a Map event. */
const LAMBDA_HANDLER = `package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.Map;

// Handler value: example.Handler
public class Handler implements RequestHandler<Map<String, String>, String> {
  private final Gson gson = new GsonBuilder().setPrettyPrinting().create();

  @Override
  public String handleRequest(Map<String, String> event, Context context) {
    LambdaLogger logger = context.getLogger();
    logger.log("EVENT: " + gson.toJson(event));
    logger.log("CONTEXT: " + gson.toJson(context));
    logger.log("EVENT TYPE: " + event.getClass());
    return "200 OK for " + event.get("name");
  }
}
`;

/** SCF's Java getting-started shape: a POJO event with getters and setters, SCF's Context. */
const SCF_HANDLER = `package example;

import com.qcloud.scf.runtime.Context;

public class Hello {
  public static class KeyValueClass {
    String key1;
    String key2;
    public String getKey1() { return key1; }
    public void setKey1(String value) { key1 = value; }
    public String getKey2() { return key2; }
    public void setKey2(String value) { key2 = value; }
  }

  public String mainHandler(KeyValueClass kv, Context context) {
    System.out.println("Hello world!");
    System.out.println(String.format("key1 = %s", kv.getKey1()));
    return String.format("Hello World %s", kv.getKey2());
  }
}
`;

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  HelloJava:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: target/hello-java-1.0.jar
      Handler: example.Handler
      Runtime: java21
      MemorySize: 512
      Timeout: 15
`;

const SCF_MANIFEST = `component: scf
name: hello-scf-java
inputs:
  name: hello-scf-java
  src: ./target/classes
  handler: example.Hello::mainHandler
  runtime: Java8
  region: ap-guangzhou
  memorySize: 256
  timeout: 15
`;

let workbench: Workbench | undefined;
let workspace: string | undefined;

after(async () => {
  await workbench?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

/** The two projects, each built as its own build would: a shaded jar with Gson for SAM, classes for SCF. */
function javaWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-java-workspace-"));
  const lambda = join(dir, "lambda");
  mkdirSync(join(lambda, "src", "main", "java", "example"), { recursive: true });
  writeFileSync(join(lambda, "src", "main", "java", "example", "Handler.java"), LAMBDA_HANDLER);
  writeFileSync(join(lambda, "template.yaml"), TEMPLATE);
  const shaded = join(lambda, "target", "shaded");
  copyClasses(compileJava({ "example/Handler.java": LAMBDA_HANDLER }, [GSON_JAR]), shaded);
  execFileSync("jar", ["--extract", "--file", GSON_JAR], { cwd: shaded });
  jarOf(shaded, join(lambda, "target", "hello-java-1.0.jar"));
  rmSync(shaded, { recursive: true });
  const scf = join(dir, "scf");
  mkdirSync(join(scf, "src", "main", "java", "example"), { recursive: true });
  writeFileSync(join(scf, "src", "main", "java", "example", "Hello.java"), SCF_HANDLER);
  writeFileSync(join(scf, "serverless.yml"), SCF_MANIFEST);
  copyClasses(compileJava({ "example/Hello.java": SCF_HANDLER }), join(scf, "target", "classes"));
  return dir;
}

/** The Faasbox view's rows as shown (label and description), once every manifest is expanded. */
async function treeRows(page: Page, expected: RegExp[]): Promise<string[]> {
  const view = page.locator(".part.sidebar");
  const deadline = Date.now() + 120_000;
  for (;;) {
    const collapsed = view.locator(".monaco-tl-twistie.collapsible.collapsed");
    for (let i = (await collapsed.count()) - 1; i >= 0; i--) await collapsed.nth(i).click().catch(() => undefined);
    const rows = (await view.locator(".monaco-list-row").allInnerTexts()).map((text) => text.replace(/\s+/g, " ").trim());
    if (expected.every((pattern) => rows.some((row) => pattern.test(row)))) return rows;
    if (Date.now() > deadline) await page.screenshot({ path: join(ARTIFACTS, "failed-vscode-java-functions-tree.png") });
    assert.ok(Date.now() < deadline, `the tree never showed ${expected.join(", ")}: ${rows.join(" | ")}`);
    await page.waitForTimeout(500);
  }
}

/** Opens a file through Quick Open, then clicks the handler's "Invoke" CodeLens; returns the invoke panel. */
async function invokeFromCodeLens(page: Page, file: string, functionName: string, event: string) {
  await runFromPalette(page, "View: Close All Editors");
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(file);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: file }).first().waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
  const lens = page.locator(".editor-group-container.active .codelens-decoration a", { hasText: `Invoke ${functionName}` });
  await lens.first().waitFor({ state: "visible", timeout: 60_000 });
  await lens.first().click();
  const panel = await webviewFrame(page, "#fn-name", 30_000, functionName);
  await panel.locator("#templates").waitFor({ state: "visible" });
  await panel.locator("#event").fill(event);
  await panel.locator("#invoke").press("Enter");
  await panel.locator("#result-body").waitFor({ state: "visible", timeout: 120_000 });
  return panel;
}

test("Java functions of SCF and Lambda: in the tree with their runtime, invoked from the handler's CodeLens, result and logs in the panel", { timeout: 420_000 }, async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  workspace = javaWorkspace();
  workbench = await openWorkbench("(driver only: java functions)", undefined, workspace);
  const { page } = workbench;
  await runFromPalette(page, "Notifications: Clear All Notifications");
  await page.locator('[aria-label="Faasbox"]').first().click();
  // The runtime as declared, with the Java that runs it here (Debian's 17 for both).
  const rows = await treeRows(page, [/HelloJava.*java21 → 17\.\d+\.\d+/, /hello-scf-java.*Java8 → 17\.\d+\.\d+/]);
  assert.ok(rows.some((row) => /template\.yaml/.test(row)) && rows.some((row) => /serverless\.yml/.test(row)), `both manifests are listed: ${rows.join(" | ")}`);
  await page.screenshot({ path: join(ARTIFACTS, "vscode-java-functions-tree.png") });

  const scf = await invokeFromCodeLens(page, "Hello.java", "hello-scf-java", '{"key1": "test value 1", "key2": "test value 2"}');
  const scfResult = await scf.locator("#result").innerText();
  assert.match(scfResult, /Succeeded/, scfResult);
  assert.match(scfResult, /Hello World test value 2/, scfResult);
  const scfLines = await panelLogLines(scf);
  assert.ok(scfLines.some((line) => line.includes("key1 = test value 1")), `the function's own output is in the panel: ${scfLines.join(" | ")}`);
  await page.screenshot({ path: join(ARTIFACTS, "vscode-java-scf-invoked.png") });

  const lambda = await invokeFromCodeLens(page, "Handler.java", "HelloJava", '{"name": "Duke"}');
  const lambdaResult = await lambda.locator("#result").innerText();
  assert.match(lambdaResult, /Succeeded/, lambdaResult);
  assert.match(lambdaResult, /200 OK for Duke/, lambdaResult);
  const lambdaLines = (await panelLogLines(lambda)).join("\n");
  assert.match(lambdaLines, /EVENT: \{\s*"name": "Duke"\s*\}/, "the LambdaLogger record, Gson's pretty JSON on its lines");
  assert.match(lambdaLines, /CONTEXT: \{[^}]*"functionName": "HelloJava"[^}]*"memoryLimit": 512/, "the context as Gson prints it: its values, not the runtime's internals");
  assert.doesNotMatch(lambdaLines, /"payload"|"logger"/);
  assert.match(lambdaLines, /EVENT TYPE: class java\.util\.LinkedHashMap/, "a Map event is a LinkedHashMap, as the Java context page shows");
  await page.screenshot({ path: join(ARTIFACTS, "vscode-java-lambda-invoked.png") });
});
