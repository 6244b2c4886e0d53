import * as vscode from "vscode";
// Not the deploy index: that would load the cloud SDKs at activation, and only a deploy needs them.
import type { AwsCredentialInput } from "../../emulator/deploy/awsCredentials";
import { maskSecret } from "../../emulator/deploy/mask";
import type { ScfCredentialInput } from "../../emulator/deploy/scfCredentials";
import type { DeployTarget } from "../../emulator/deploy/types";

const KEYS = {
  scf: "faasbox.credentials.scf",
  lambda: "faasbox.credentials.lambda",
} as const;

export type CloudCredentials = { scf?: ScfCredentialInput; lambda?: AwsCredentialInput };

/**
 * Cloud credentials in VS Code's SecretStorage (the OS keychain where there is one):
 * never in settings, logs or messages; shown masked.
 */
export class CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get<T extends DeployTarget>(target: T): Promise<CloudCredentials[T] | undefined> {
    const text = await this.secrets.get(KEYS[target]);
    return text ? (JSON.parse(text) as CloudCredentials[T]) : undefined;
  }

  async set<T extends DeployTarget>(target: T, credentials: NonNullable<CloudCredentials[T]>): Promise<void> {
    await this.secrets.store(KEYS[target], JSON.stringify(credentials));
  }

  async clear(target: DeployTarget): Promise<void> {
    await this.secrets.delete(KEYS[target]);
  }
}

/** "Faasbox: Set Cloud Credentials": asks with password boxes; arguments allow automation. */
export async function setCredentials(store: CredentialStore, target?: DeployTarget, given?: ScfCredentialInput | AwsCredentialInput): Promise<boolean> {
  const which = target ?? (await vscode.window.showQuickPick(
    [
      { label: "Tencent Cloud SCF", description: "SecretId and SecretKey (CAM)", value: "scf" as const },
      { label: "AWS Lambda", description: "access key ID and secret access key (IAM)", value: "lambda" as const },
    ],
    { title: "Set cloud credentials for" },
  ))?.value;
  if (!which) return false;
  if (given) {
    await store.set(which, given as never);
    return true;
  }
  const ask = (title: string, password: boolean) => vscode.window.showInputBox({ title, password, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : "Required") });
  if (which === "scf") {
    const secretId = await ask("Tencent Cloud SecretId", false);
    const secretKey = secretId && (await ask("Tencent Cloud SecretKey", true));
    if (!secretId || !secretKey) return false;
    await store.set("scf", { secretId: secretId.trim(), secretKey: secretKey.trim() });
    void vscode.window.showInformationMessage(`Saved Tencent Cloud credentials ${maskSecret(secretId.trim())} in VS Code's secret storage.`);
  } else {
    const accessKeyId = await ask("AWS access key ID", false);
    const secretAccessKey = accessKeyId && (await ask("AWS secret access key", true));
    if (!accessKeyId || !secretAccessKey) return false;
    await store.set("lambda", { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim() });
    void vscode.window.showInformationMessage(`Saved AWS credentials ${maskSecret(accessKeyId.trim())} in VS Code's secret storage.`);
  }
  return true;
}
