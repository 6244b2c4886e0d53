// The extension manifest as a user meets it: walkthrough steps and their links must work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/paths";

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
const commands = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));

test("every walkthrough step shows media that ships and links only to commands the extension contributes", () => {
  const steps: Array<{ id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }> =
    manifest.contributes.walkthroughs.flatMap((w: { steps: unknown[] }) => w.steps);
  assert.deepEqual(steps.map((s) => s.id), ["doctor", "create", "invoke", "logs", "debug", "deploy"]);
  for (const step of steps) {
    assert.ok(step.media.markdown && existsSync(join(REPO_ROOT, step.media.markdown)), `${step.id}: ${step.media.markdown} exists`);
    const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.ok(links.length > 0, `${step.id} links to a command`);
    for (const link of links) assert.ok(commands.has(link), `${step.id} links to ${link}, which the extension contributes`);
    for (const event of step.completionEvents ?? []) {
      const command = event.replace(/^onCommand:/, "");
      assert.ok(commands.has(command), `${step.id} completes on ${command}, which the extension contributes`);
    }
  }
});
