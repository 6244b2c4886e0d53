// package.json names commands in several places (the palette list, menus, the walkthrough's
// links and completion events, the welcome view, the debugger's variables); the code lists
// them once, in extension/commandIds.ts. These tests hold the two to each other, both ways.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS, COMMAND_IDS, FOLDER_COMMANDS, INTERNAL_COMMANDS } from "../../extension/commandIds";
import { REPO_ROOT } from "../helpers/paths";

const contributes = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).contributes;
/** Made by VS Code for each contributed view ("<view id>.focus"), not by the extension. */
const viewCommands = new Set(Object.values(contributes.views as Record<string, { id: string }[]>).flat().map((v) => `${v.id}.focus`));

/** Every faasbox command id package.json mentions, with where: `"command"` fields and command: links. */
function referencedCommands(value: unknown, where: string, found: { id: string; where: string }[] = []): { id: string; where: string }[] {
  if (typeof value === "string") {
    for (const match of value.matchAll(/(?:command:|onCommand:)(faasbox\.[\w.]+)/g)) found.push({ id: match[1], where });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => referencedCommands(item, `${where}[${i}]`, found));
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "command" && typeof item === "string") found.push({ id: item, where: `${where}.command` });
      else referencedCommands(item, `${where}.${key}`, found);
    }
  }
  return found;
}

test("every command package.json contributes to the palette is in the code's list", () => {
  const contributed = (contributes.commands as { command: string }[]).map((c) => c.command);
  assert.deepEqual(contributed.filter((id) => !(id in COMMANDS)), []);
  assert.equal(new Set(contributed).size, contributed.length, "no command is contributed twice");
});

test("every command in the code's list is contributed, unless it is marked internal", () => {
  const contributed = new Set((contributes.commands as { command: string }[]).map((c) => c.command));
  assert.deepEqual(COMMAND_IDS.filter((id) => !contributed.has(id) && !INTERNAL_COMMANDS.includes(id)), []);
  assert.deepEqual(INTERNAL_COMMANDS.filter((id) => contributed.has(id)), [], "an internal command is not contributed");
});

test("menus, the walkthrough, the welcome view and the debugger name only commands the code registers", () => {
  const references = referencedCommands(contributes, "contributes");
  for (const section of ["menus", "walkthroughs", "viewsWelcome", "debuggers"]) {
    assert.ok(references.some((r) => r.where.startsWith(`contributes.${section}`)), `found the command references in ${section}`);
  }
  const unknown = references.filter((r) => r.id.startsWith("faasbox.") && !(r.id in COMMANDS) && !viewCommands.has(r.id));
  assert.deepEqual(unknown, []);
});

test("the commands that need a workspace folder are all but the doctor and New Function", () => {
  const needFolder = new Set<string>(FOLDER_COMMANDS);
  assert.deepEqual(COMMAND_IDS.filter((id) => !needFolder.has(id)).sort(), ["faasbox.emulator.doctor", "faasbox.function.new"]);
});
