import * as vscode from "vscode";
import { defaultTarget } from "../../emulator/deploy/defaultTarget";
import { formatPlan } from "../../emulator/deploy/formatPlan";
import { formatBytes } from "../../emulator/deploy/limits";
import { redact } from "../../emulator/deploy/mask";
import type { DeployResult, DeployTarget } from "../../emulator/deploy/types";
import { loadProject } from "../../emulator/project/loadProject";
import type { FunctionSpec } from "../../emulator/project/spec";
import { setCredentials, type CredentialStore } from "./credentials";

export interface DeployOptions {
  target?: DeployTarget;
  region?: string;
  role?: string;
  /** A COS (SCF) or S3 (Lambda) bucket for zips too large to send inline; the faasbox.deploy.codeBucket setting otherwise. */
  codeBucket?: string;
  /** Skip the confirmation (automation, tests). */
  yes?: boolean;
}

/** A deploy that failed: the user has seen why (one message, with its way out); callers get it as the command's answer. */
export interface DeployFailure {
  failed: true;
  /** DeployError's kind ("credentials", "permission"...), when the cloud said. */
  kind?: string;
  message: string;
}

/** The deploy command's answer: what was deployed, why not, or undefined when the user cancelled. */
export type DeployOutcome = DeployResult | DeployFailure | undefined;

/**
 * "Deploy": package the function, ask the cloud what would change, show that plan for
 * confirmation, then apply it under a cancellable progress notification. Credentials
 * come from VS Code's SecretStorage, else from each provider's usual environment
 * variables and profile files.
 *
 * A failure is told once, here, as one error message with its buttons, and answered,
 * never thrown: a command that throws makes VS Code add a modal "Command … resulted in an
 * error" (and, from a CodeLens, a second toast) to the message the user already has.
 */
export async function deployFunction(root: string, name: string, store: CredentialStore, output: vscode.OutputChannel, options: DeployOptions = {}): Promise<DeployOutcome> {
  const spec = loadProject(root).project.functions.find((f) => f.name === name);
  const target = options.target ?? (spec ? defaultTarget(spec) : undefined);
  try {
    if (!spec || !target) throw new Error(`no function named ${name} in ${root}`);
    return await deploySpec(root, spec, target, store, output, options);
  } catch (error) {
    if (error instanceof vscode.CancellationError) return undefined;
    return reportFailure(name, target, error, store, output);
  }
}

function reportFailure(name: string, target: DeployTarget | undefined, error: unknown, store: CredentialStore, output: vscode.OutputChannel): DeployFailure {
  const message = error instanceof Error ? error.message : String(error);
  const kind = (error as { kind?: string } | undefined)?.kind;
  output.appendLine(`deploy of ${name} failed: ${message}`);
  const actions = kind === "credentials" ? ["Set Cloud Credentials", "Show Output"] : ["Show Output"];
  // Not awaited: the command settles now; the buttons act whenever the user clicks.
  void vscode.window.showErrorMessage(`Deploy of ${name} failed: ${message}`, ...actions).then((choice) => {
    // The cloud is known: the credentials asked for are that cloud's, without asking which.
    if (choice === "Set Cloud Credentials") void setCredentials(store, target);
    if (choice === "Show Output") output.show();
  });
  return { failed: true, kind, message };
}

async function deploySpec(root: string, spec: FunctionSpec, target: DeployTarget, store: CredentialStore, output: vscode.OutputChannel, options: DeployOptions): Promise<DeployResult | undefined> {
  const name = spec.name;
  const scfCredentials = target === "scf" ? await store.get("scf") : undefined;
  const awsCredentials = target === "lambda" ? await store.get("lambda") : undefined;
  const settings = vscode.workspace.getConfiguration("faasbox");
  // The clouds' SDKs come from dist/cli-deploy.js, which the .vsix ships for the CLI anyway (see scripts/build.mjs).
  const { createDeployProvider, packageFunction } = await import("../../emulator/cli/deployCommands");
  const provider = createDeployProvider(target, {
    region: options.region,
    role: options.role ?? settings.get<string>("deploy.lambdaRole") ?? undefined,
    // An empty setting leaves FAASBOX_CODE_BUCKET to decide, as the CLI does without --code-bucket.
    codeBucket: options.codeBucket ?? (settings.get<string>("deploy.codeBucket") || undefined),
    scfCredentials,
    awsCredentials,
  });
  const cloud = target === "scf" ? "Tencent Cloud SCF" : "AWS Lambda";
  const secrets = [scfCredentials?.secretId, scfCredentials?.secretKey, awsCredentials?.accessKeyId, awsCredentials?.secretAccessKey];
  const safe = (text: string) => redact(text, secrets);

  const planned = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Planning ${name} → ${cloud}` }, async (progress) => {
    progress.report({ message: "packaging" });
    const packaged = await packageFunction(spec, { projectRoot: root });
    progress.report({ message: `${formatBytes(packaged.size)} zipped; asking ${cloud} what would change` });
    return { packaged, plan: await provider.plan(spec, packaged) };
  });
  const { plan } = planned;
  const text = formatPlan(plan);
  output.appendLine(safe(text));
  if (plan.blockers?.length) {
    void vscode.window.showErrorMessage(`Cannot deploy ${name}: ${plan.blockers.join("; ")}`);
    return undefined;
  }
  if (!options.yes) {
    const summary = plan.action === "unchanged" ? "Nothing has changed." : `${plan.action === "create" ? "Create" : "Update"} ${name} in ${plan.region}${plan.codeChanged ? (plan.codeBucket ? ` (new code, through ${plan.codeBucket.url})` : " (new code)") : " (same code)"}${plan.configChanges.length ? `; ${plan.configChanges.map((c) => c.field).join(", ")} change` : ""}.`;
    const choice = await vscode.window.showInformationMessage(`Deploy ${name} to ${cloud}? ${summary}`, { modal: true, detail: safe(text) }, "Deploy");
    if (choice !== "Deploy") return undefined;
  }

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Deploying ${name} → ${cloud}`, cancellable: true },
    async (progress, token) => {
      if (token.isCancellationRequested) return undefined;
      token.onCancellationRequested(() => output.appendLine("cancel requested: the cloud finishes the call in flight; nothing further is sent"));
      const result = await provider.apply(plan, (message) => {
        output.appendLine(safe(message));
        progress.report({ message: safe(message) });
        if (token.isCancellationRequested) throw new vscode.CancellationError();
      });
      output.appendLine(`deployed ${name}: ${result.consoleUrl}`);
      void vscode.window.showInformationMessage(`Deployed ${name} to ${cloud}.`, "Open Console").then((choice) => {
        if (choice) void vscode.env.openExternal(vscode.Uri.parse(result.consoleUrl));
      });
      return result;
    },
  );
}
