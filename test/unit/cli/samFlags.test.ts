import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandArgs, parseSamOptions, SAM_FLAGS, UsageError } from "../../../emulator/cli/args";

test("faasbox start --env-vars FILE reads SAM's file; a bad one is a usage error naming the command and the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-flags-"));
  writeFileSync(join(dir, "env.json"), '{"Parameters": {"TABLE": "t"}, "Fn": {"DEBUG": true}}');
  writeFileSync(join(dir, "bad.json"), "[]");
  const { values } = parseCommandArgs("start", ["--env-vars", join(dir, "env.json")], { ...SAM_FLAGS });
  const options = parseSamOptions("start", values);
  assert.deepEqual(options.envVars?.global, { TABLE: "t" });
  assert.deepEqual(options.envVars?.functions, { Fn: { DEBUG: "true" } });
  assert.throws(
    () => parseSamOptions("invoke", { "env-vars": join(dir, "bad.json") }),
    (error: Error) => error instanceof UsageError && /^faasbox invoke: --env-vars .*bad\.json: not a JSON object/.test(error.message),
  );
});

test("faasbox start -t/--template FILE resolves the file from the current folder and refuses what is not a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-flags-"));
  writeFileSync(join(dir, "template.yml"), "Resources: {}\n");
  const { values } = parseCommandArgs("start", ["-t", join(dir, "template.yml")], { ...SAM_FLAGS });
  assert.equal(parseSamOptions("start", values).template, join(dir, "template.yml"));
  assert.throws(() => parseSamOptions("start", { template: dir }), /faasbox start: --template .*: .* is not a file; expected a SAM template/);
});
