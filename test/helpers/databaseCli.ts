import assert from "node:assert/strict";
import { runCliAsync, spawnCliStart } from "./cli";
import { waitFor } from "./emulator";

/** `faasbox start` on `root` (quiet unless told otherwise) as its own process; stop() ends it (at once if it has exited). */
export function startDatabaseCli(root: string, extra: string[] = ["--quiet"]) {
  const { child, output } = spawnCliStart(root, extra);
  return {
    child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/**
 * What a user reads when the source of `root` (written by writeDatabaseProject) cannot feed its
 * trigger, both database kinds alike: `faasbox start` warns with `expected` at faasbox.yml's line 3
 * (the source's url), `faasbox triggers` shows the trigger failing with it, `faasbox doctor` says it
 * after the URL masked (`maskedUrl`, a pattern); `password` is never printed.
 */
export async function checkFailingStart(root: string, expected: RegExp, password: string, maskedUrl: string): Promise<void> {
  const emulator = startDatabaseCli(root);
  try {
    await waitFor(() => expected.test(emulator.output()), `the warning in:\n${emulator.output()}`, 30_000)
      .catch((error: Error) => assert.fail(`${error.message}\n${emulator.output()}`));
    const warning = emulator.output().split("\n").find((line) => expected.test(line))!;
    assert.match(warning, /^warning: faasbox\.yml:3: databases\.shop\.url: /);
    assert.ok(!emulator.output().includes(password), "the password is never printed");
    const triggers = await runCliAsync(["triggers", "--project", root, "--json"]);
    assert.equal(triggers.status, 0, triggers.stderr);
    const [listed] = JSON.parse(triggers.stdout).databases;
    assert.equal(listed.status, "failing");
    assert.match(listed.error, expected);
    assert.ok(!triggers.stdout.includes(password));
    const doctor = await runCliAsync(["doctor", "--project", root]);
    assert.match(doctor.stdout, new RegExp(`✗ Database shop: ${maskedUrl}: .*${expected.source}`));
    assert.ok(!doctor.stdout.includes(password));
  } finally {
    await emulator.stop();
  }
}
