import * as assert from "node:assert/strict";
import * as vscode from "vscode";
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

  it("says the credentials were rejected when they are wrong", async () => {
    await vscode.commands.executeCommand("faasbox.cloud.setCredentials", "lambda", { accessKeyId: AWS_TEST_ACCESS_KEY_ID, secretAccessKey: "wrong-secret-wrong-secret" });
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand("faasbox.function.deploy", "HelloPython", { yes: true, role: "arn:aws:iam::123456789012:role/x" })),
      (error: Error) => /credential|signature/i.test(error.message) && !error.message.includes("wrong-secret-wrong-secret"),
    );
  });
});
