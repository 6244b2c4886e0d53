// The editor reads the emulator's FILE:LINE: FIELD: MESSAGE wording back into its parts for
// diagnostics and the Functions view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManifestError, ManifestWarning } from "../../emulator/project/errors";
import { parseLocated } from "../../extension/model/locatedMessage";

test("a manifest error or warning's message parses back into file, line, field and message", () => {
  const error = new ManifestError("/work/app/template.yaml", 12, "Resources.Fn.Properties.Timeout", 'got "soon"; expected a number (seconds)');
  assert.deepEqual(parseLocated(error.message), { file: "/work/app/template.yaml", line: 12, field: "Resources.Fn.Properties.Timeout", message: 'got "soon"; expected a number (seconds)' });
  const warning = new ManifestWarning("C:\\work\\app\\serverless.yml", 3, "inputs.vpcConfig", "not emulated: the function reaches the network: the local one");
  assert.deepEqual(parseLocated(warning.message), { file: "C:\\work\\app\\serverless.yml", line: 3, field: "inputs.vpcConfig", message: "not emulated: the function reaches the network: the local one" });
});

test("a message without a place is not taken for one", () => {
  assert.equal(parseLocated("project folder /nope does not exist or is not a folder"), undefined);
});
