import { test } from "node:test";
import assert from "node:assert/strict";
import { MALLOC_TUNABLE, withMallocTunables } from "../../emulator/config/mallocTunables";

test("the daemon's environment fixes glibc's mmap threshold on Linux, beside the user's own tunables", () => {
  assert.equal(withMallocTunables({ PATH: "/bin" }, "linux").GLIBC_TUNABLES, MALLOC_TUNABLE);
  assert.equal(withMallocTunables({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" }, "linux").GLIBC_TUNABLES, `${MALLOC_TUNABLE}:glibc.malloc.arena_max=2`);
  // A threshold the user chose is theirs.
  assert.equal(withMallocTunables({ GLIBC_TUNABLES: "glibc.malloc.mmap_threshold=65536" }, "linux").GLIBC_TUNABLES, "glibc.malloc.mmap_threshold=65536");
  // Other systems have no glibc: nothing is added.
  assert.equal(withMallocTunables({ PATH: "/bin" }, "darwin").GLIBC_TUNABLES, undefined);
  assert.equal(withMallocTunables({ PATH: "/bin" }, "linux").PATH, "/bin");
});
