// Layers under /opt in a real container: merged in order (the later one wins), found by Node and Python as on Lambda, before the runtime's own folders.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../emulator/core/engine";
import { requireDocker } from "../helpers/docker";
import { startEmulator } from "../helpers/emulator";

for (const transfer of ["mount", "copy"] as const) {
  describe(`layers (${transfer})`, () => {
    let emulator: Engine;
    let saved: string | undefined;

    before(async () => {
      await requireDocker();
      saved = process.env.FAASBOX_CODE_TRANSFER;
      process.env.FAASBOX_CODE_TRANSFER = transfer;
      emulator = await startEmulator("layers", { executor: "docker" });
    });
    after(async () => {
      await emulator.shutdown();
      if (saved === undefined) delete process.env.FAASBOX_CODE_TRANSFER;
      else process.env.FAASBOX_CODE_TRANSFER = saved;
    });

    test("a Node function requires a module from its layers, the later layer's copy winning", async () => {
      const result = await emulator.invoke("NodeLayers", {});
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual(result.result, {
        greeting: "override",
        shared: "override file",
        nodePath: "/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task",
      });
    });

    test("with the Globals layer only, its module and file are the ones seen", async () => {
      const result = await emulator.invoke("NodeBaseOnly", {});
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual(result.result, { greeting: "base", shared: "base file", nodePath: "/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task" });
    });

    test("a Python function imports a layer module from site-packages before python/", async () => {
      const result = await emulator.invoke("PythonLayers", {});
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual(result.result, {
        greeting: "override",
        shared: "override file",
        pythonPath: "/opt/python/lib/python3.11/site-packages:/opt/python:/var/runtime",
      });
    });
  });
}
