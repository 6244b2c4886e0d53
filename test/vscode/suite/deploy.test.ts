import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { DeployFailure } from "../../../extension/deploy/deployCommand";
import { signalDriver } from "./driverSignal";
import { AWS_TEST_ACCESS_KEY_ID, AWS_TEST_SECRET_ACCESS_KEY, FakeLambda } from "../../helpers/fakeClouds/fakeLambda";

describe("deploy from the editor", () => {
  let fake: FakeLambda;
  before(async () => {
    // No cloud is reachable: the official SDK talks to a local Lambda API that checks SigV4.
    fake = await new FakeLambda().start();
    process.env.FAASBOX_LAMBDA_ENDPOINT = fake.url;
  });
  after(async () => {
    delete process.env.FAASBOX_LAMBDA_ENDPOINT;
    await fake?.close();
  });

  it("deploys a function to Lambda with credentials from SecretStorage, and redeploys unchanged code without uploading it", async () => {
    await vscode.commands.executeCommand("faasbox.cloud.setCredentials", "lambda", { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY });
    const options = { yes: true, role: "arn:aws:iam::123456789012:role/faasbox-test", region: "us-east-1" };
    const result = (await vscode.commands.executeCommand("faasbox.function.deploy", "HelloNode", options)) as { consoleUrl: string; action: string; codeUploaded: boolean };
    assert.equal(result.action, "create");
    assert.match(result.consoleUrl, /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/lambda\/home\?region=us-east-1#\/functions\/HelloNode/);
    assert.ok(fake.operations().includes("CreateFunction"), fake.operations().join(", "));
    const again = (await vscode.commands.executeCommand("faasbox.function.deploy", "HelloNode", options)) as { action: string; codeUploaded: boolean };
    assert.equal(again.codeUploaded, false, "unchanged code is not uploaded again");
  });

  it("says once that the credentials were rejected, and answers with the failure instead of throwing (no second, modal error)", async () => {
    await vscode.commands.executeCommand("faasbox.cloud.setCredentials", "lambda", { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: "wrong-secret-wrong-secret" });
    const outcome = (await vscode.commands.executeCommand("faasbox.function.deploy", "HelloPython", { yes: true, role: "arn:aws:iam::123456789012:role/x" })) as DeployFailure;
    assert.equal(outcome.failed, true);
    assert.equal(outcome.kind, "credentials");
    assert.match(outcome.message, /credential|signature/i);
    assert.ok(!outcome.message.includes("wrong-secret-wrong-secret"), outcome.message);
    // The driver counts what the user sees of this failure: one toast, no modal dialog.
    await signalDriver("deployFailed", 90_000);
  });

  it("sets the credentials of a function's own cloud without asking which cloud", async () => {
    // A quick pick asking "which cloud?" would leave this command unanswered.
    const saved = await vscode.commands.executeCommand("faasbox.cloud.setCredentials", "HelloPython", { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: AWS_TEST_SECRET_ACCESS_KEY });
    assert.equal(saved, true);
    const result = (await vscode.commands.executeCommand("faasbox.function.deploy", "HelloPython", { yes: true, role: "arn:aws:iam::123456789012:role/x", region: "us-east-1" })) as { action: string };
    assert.equal(result.action, "create", "Lambda's credentials were the ones set");
  });
});
