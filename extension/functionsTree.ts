import * as vscode from "vscode";
import { MANIFEST_EXCLUDE, MANIFEST_GLOB } from "./manifests";

/** The Functions view: one item per manifest found in the workspace. */
export class FunctionsTreeProvider implements vscode.TreeDataProvider<vscode.Uri>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(uri: vscode.Uri): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.workspace.asRelativePath(uri), vscode.TreeItemCollapsibleState.None);
    item.resourceUri = uri;
    item.iconPath = new vscode.ThemeIcon("file-code");
    item.contextValue = "manifest";
    item.command = { command: "vscode.open", title: "Open Manifest", arguments: [uri] };
    return item;
  }

  async getChildren(element?: vscode.Uri): Promise<vscode.Uri[]> {
    if (element) return [];
    const found = await vscode.workspace.findFiles(MANIFEST_GLOB, MANIFEST_EXCLUDE);
    return found.sort((a, b) => a.path.localeCompare(b.path));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerFunctionsTree(context: vscode.ExtensionContext): FunctionsTreeProvider {
  const provider = new FunctionsTreeProvider();
  const watcher = vscode.workspace.createFileSystemWatcher(MANIFEST_GLOB);
  context.subscriptions.push(
    provider,
    watcher,
    vscode.window.createTreeView("faasbox.functions", { treeDataProvider: provider, showCollapseAll: true }),
    watcher.onDidCreate(() => provider.refresh()),
    watcher.onDidDelete(() => provider.refresh()),
  );
  return provider;
}
