import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapProblem } from "../../../emulator/core/runtime/webBootstrap";
import { listeningAddresses, loopbackOnly } from "../../../emulator/core/runtime/webListeners";
import { varLangNotices } from "../../../emulator/core/runtime/varLang";
import { Engine } from "../../../emulator/core/engine";

/** /proc/net/tcp and tcp6 as a container's `cat` prints them: a listener on 127.0.0.1:9000, one on [::]:9000, another port. */
const TABLES = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000 70001        0 11 1 0 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 70001        0 12 1 0 100 0 0 10 0
   2: 0100007F:2328 0100007F:A000 01 00000000:00000000 00:00000000 00000000 70001        0 13 1 0 100 0 0 10 0
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 70001 0 14 1 0 100 0 0 10 0`;

test("the socket tables tell a server on 127.0.0.1:9000 only from one on every interface", () => {
  const v4 = TABLES.split("\n").slice(0, 4).join("\n");
  assert.deepEqual(listeningAddresses(v4, 9000), ["127.0.0.1"], "LISTEN lines on port 9000 only; an established connection is not a listener");
  assert.equal(loopbackOnly(listeningAddresses(v4, 9000)), true);
  assert.deepEqual(listeningAddresses(TABLES, 9000), ["127.0.0.1", "::"]);
  assert.equal(loopbackOnly(listeningAddresses(TABLES, 9000)), false);
  assert.equal(loopbackOnly([]), false, "nothing listening is not a loopback listener");
});

test("scf_bootstrap: missing, not executable, executable by its owner only, CRLF: each names the file and the fix; a good one passes", () => {
  const dir = mkdtempSync(join(tmpdir(), "faasbox-bootstrap-"));
  const file = join(dir, "scf_bootstrap");
  assert.match(bootstrapProblem(dir)!, /^scf_bootstrap not found in .*: a web function starts with an executable file of that name/);
  writeFileSync(file, "#!/bin/bash\n/var/lang/node18/bin/node app.js\n");
  chmodSync(file, 0o644);
  assert.match(bootstrapProblem(dir)!, /scf_bootstrap is not executable \(mode 644\).*chmod 755 scf_bootstrap/);
  chmodSync(file, 0o700);
  assert.match(bootstrapProblem(dir)!, /not executable by the function's user \(mode 700\): SCF asks for 755 or 777/);
  chmodSync(file, 0o755);
  assert.equal(bootstrapProblem(dir), undefined);
  writeFileSync(file, "#!/bin/bash\r\n/var/lang/node18/bin/node app.js\r\n");
  assert.match(bootstrapProblem(dir)!, /has Windows line endings \(CRLF\): SCF fails to start it with "\/bin\/bash\^M: bad interpreter: No such file or directory"; save it with LF line endings/);
});

test("the log says when a /var/lang path leads to another version here, and names a path SCF does not have", () => {
  const script = "#!/bin/bash\n/var/lang/python39/bin/python3.9 app.py || /var/lang/node18/bin/node x.js\n/var/lang/ruby3/bin/ruby y.rb\n";
  assert.deepEqual(varLangNotices(script, { python: "3.11.2" }), [
    "faasbox: scf_bootstrap runs /var/lang/python39/bin/python3.9 (python 3.9 in SCF); here it leads to the image's python 3.11.2",
    `faasbox: scf_bootstrap runs /var/lang/ruby3/bin/ruby, which SCF's standard paths do not have here; use one of ${"/var/lang/node18/bin/node"}, /var/lang/node16/bin/node, /var/lang/node14/bin/node, /var/lang/node12/bin/node, /var/lang/node10/bin/node, /var/lang/python310/bin/python3.10, /var/lang/python310/bin/python3, /var/lang/python39/bin/python3.9, /var/lang/python39/bin/python3, /var/lang/python37/bin/python3.7, /var/lang/python37/bin/python3, /var/lang/python3/bin/python3.6, /var/lang/python3/bin/python3`,
  ]);
  assert.deepEqual(varLangNotices("/var/lang/node18/bin/node app.js", { node: "18.20.4" }), [], "the same major version: nothing to say");
});

test("the process executor refuses a web function, saying why and what to use", async () => {
  const root = mkdtempSync(join(tmpdir(), "faasbox-web-process-"));
  writeFileSync(join(root, "faasbox.yml"), "functions:\n  site:\n    runtime: Nodejs18.15\n    type: web\n");
  writeFileSync(join(root, "scf_bootstrap"), "#!/bin/bash\n/var/lang/node18/bin/node app.js\n", { mode: 0o755 });
  const engine = await Engine.create({ root, executor: "process", watch: false });
  try {
    const result = await engine.invoke("site", {});
    assert.equal(result.ok, false);
    assert.equal(result.error?.errorType, "Faasbox.LaunchFailed");
    assert.match(result.error?.errorMessage ?? "", /site is an SCF web function: it runs in Docker only \(each instance's server listens on its own port 9000, and scf_bootstrap calls \/var\/lang\/\.\.\. interpreters\); start Faasbox with a Docker engine/);
  } finally {
    await engine.shutdown();
  }
});
