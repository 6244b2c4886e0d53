import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import * as vscode from "vscode";
import type { FaasboxApi } from "../../../extension/extension";

const EXTENSION_ID = "faasbox.faasbox";

describe("activation", () => {
  it("activates in the real extension host and measures its activation time", async () => {
    const extension = vscode.extensions.getExtension<FaasboxApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const api = await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(typeof api.activationMs, "number");
    assert.ok(api.activationMs >= 0);
    // For `npm run bench`, which reports the activation time.
    if (process.env.FAASBOX_TEST_RESULTS) writeFileSync(`${process.env.FAASBOX_TEST_RESULTS}.activation`, String(api.activationMs));
  });

  it("registers every command its manifest contributes", async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), []);
  });

  it("runs the doctor command through the bundled CLI, which finds Docker and the images", async () => {
    const exitCode = await vscode.commands.executeCommand("faasbox.emulator.doctor");
    assert.equal(exitCode, 0);
  });


});
