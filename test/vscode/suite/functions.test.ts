import * as assert from "node:assert/strict";
import { join } from "node:path";
import * as vscode from "vscode";
import type { FaasboxApi } from "../../../extension/extension";
import type { TreeNode } from "../../../extension/views/functionsTree";
import type { InvokeResult } from "../../../emulator/protocol";
import { waitFor } from "./waitFor";

const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

describe("functions in the editor", () => {
  let api: FaasboxApi;

  before(async () => {
    api = await vscode.extensions.getExtension<FaasboxApi>("faasbox.faasbox")!.activate();
  });

  it("lists the example functions in the tree, under their manifests", async () => {
    await vscode.commands.executeCommand("workbench.view.extension.faasbox");
    await waitFor(() => api.model!.functions.length === 4, "four functions in the model");
    const tree = api.tree!;
    const manifests = tree.getChildren().filter((n) => n.kind === "manifest");
    const labels = manifests.map((n) => vscode.workspace.asRelativePath((n as { file: string }).file));
    assert.deepEqual(labels.sort(), ["sam/template.yaml", "scf/node/serverless.yml", "scf/python/serverless.yml"]);
    const sam = manifests.find((n) => (n as { file: string }).file.endsWith("template.yaml"))!;
    assert.deepEqual(tree.getChildren(sam).map((n) => tree.getTreeItem(n).label), ["HelloNode", "HelloPython"]);
  });

  it("starts the emulator when the view is shown, and knows each function's state", async () => {
    await waitFor(() => api.manager!.isConnected, "the emulator to be connected");
    await waitFor(() => api.model!.live, "the function list to come from the emulator");
    const item = functionItem(api, "HelloNode");
    assert.equal(item.contextValue, "function.stopped");
  });

  it("invokes a function with an event through the invoke command: the result and its streamed log lines", async () => {
    const result = (await vscode.commands.executeCommand("faasbox.function.invoke", "HelloNode", { queryStringParameters: { name: "Code" } })) as InvokeResult;
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.match((result.result as { message: string }).message, /^Hello Code from Node\.js/);
    assert.equal(result.timings.cold, true);
    await waitFor(() => api.logs!.recentLines("HelloNode").some((r) => r.text.includes("HelloNode greets Code")), "the streamed log line");
    await waitFor(() => api.logs!.recentLines("HelloNode").some((r) => r.text.startsWith("REPORT RequestId: ")), "the REPORT line");
  });

  it("shows the function warm after the invocation, with the invocation in its history", async () => {
    await waitFor(() => functionItem(api, "HelloNode").contextValue === "function.warm", "HelloNode to be warm");
    const item = functionItem(api, "HelloNode");
    // The runtime as declared, with the version that runs it here.
    assert.match(String(item.description), /nodejs20\.x \(20\.\d+\.\d+\) · 1 warm/);
    const children = api.tree!.getChildren({ kind: "function", name: "HelloNode" });
    const invocation = children.find((c) => c.kind === "invocation");
    assert.ok(invocation, "the invocation is listed under the function");
    assert.match(String(api.tree!.getTreeItem(invocation).label), /^ok · [\d.]+ ms$/);
    const route = children.find((c) => c.kind === "trigger");
    assert.equal(api.tree!.getTreeItem(route!).label, "GET /sam/hello-node");
  });

  it("invokes an SCF Python function with an SCF API gateway event", async () => {
    const result = (await vscode.commands.executeCommand("faasbox.function.invoke", "hello-python", { queryString: { name: "Py" } })) as InvokeResult;
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.match(JSON.parse((result.result as { body: string }).body).message, /Hello Py from Python/);
  });

  it("offers Invoke and Logs above the handlers the manifests name, in JavaScript and Python", async () => {
    const js = vscode.Uri.file(join(root(), "sam", "node", "app.js"));
    await vscode.workspace.openTextDocument(js); // lenses are computed for loaded documents
    const jsLenses = (await vscode.commands.executeCommand("vscode.executeCodeLensProvider", js)) as vscode.CodeLens[];
    assert.deepEqual(jsLenses.map((l) => l.command?.title), ["$(play) Invoke HelloNode", "$(debug-alt) Debug", "$(output) Logs", "$(cloud-upload) Deploy", "$(run-all) Run GET /sam/hello-node"]);
    assert.equal(jsLenses[0].range.start.line, 1, "above `export const handler`");
    assert.deepEqual(jsLenses[0].command?.arguments, ["HelloNode"]);
    const py = vscode.Uri.file(join(root(), "scf", "python", "index.py"));
    await vscode.workspace.openTextDocument(py);
    const pyLenses = (await vscode.commands.executeCommand("vscode.executeCodeLensProvider", py)) as vscode.CodeLens[];
    assert.equal(pyLenses[0].command?.title, "$(play) Invoke hello-python");
    assert.equal(pyLenses[0].range.start.line, 5, "above `def main_handler`");
  });

  it("opens a request's kept logs as a document", async () => {
    const summary = api.model!.historyOf("HelloNode").at(-1)!;
    await vscode.commands.executeCommand("faasbox.logs.showRequest", "HelloNode", summary.requestId);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.scheme === "faasbox-logs", "the request log document");
    assert.match(vscode.window.activeTextEditor!.document.getText(), /HelloNode greets Code/);
  });
});

function functionItem(api: FaasboxApi, name: string): vscode.TreeItem {
  return api.tree!.getTreeItem({ kind: "function", name } as TreeNode);
}
