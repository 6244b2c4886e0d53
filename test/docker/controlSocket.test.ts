// The editor's emulator serves its control API on a Unix socket: no TCP port for a remote
// editor to auto-forward, for another user's process to knock on, or for a page to reach.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readConnectionInfo } from "../../emulator/client/connectionFile";
import { controlSocketFile } from "../../emulator/config/paths";
import { runCli, runCliAsync } from "../helpers/cli";
import { requireDocker } from "../helpers/docker";
import { copyFixture, waitFor } from "../helpers/emulator";
import { CLI } from "../helpers/paths";

/** The TCP ports a process listens on, from the kernel's tables (what port forwarders watch). */
function listeningTcpPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of spawnSync("ls", ["-l", `/proc/${pid}/fd`], { encoding: "utf8" }).stdout.split("\n")) {
    const match = /socket:\[(\d+)\]/.exec(fd);
    if (match) inodes.add(match[1]);
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // st 0A = LISTEN; field 9 is the socket's inode.
      if (fields[3] === "0A" && inodes.has(fields[9])) ports.push(parseInt(fields[1].split(":")[1], 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

describe("faasbox start --control-socket (as the editor starts it)", () => {
  let root: string;
  let server: ChildProcess;
  let output = "";
  let socket: string;

  before(async () => {
    await requireDocker();
    root = copyFixture("runtime");
    socket = controlSocketFile(root);
    server = spawn(process.execPath, [CLI, "start", root, "--executor", "docker", "--http-port", "0", "--invoke-port", "0", "--control-socket", socket], { stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    await waitFor(() => readConnectionInfo(root)?.pid === server.pid, `faasbox start to come up:\n${output}`, 30_000);
  });

  after(async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    }
  });

  test("the connection file names the socket; status and invoke work through it", async () => {
    assert.equal(readConnectionInfo(root)?.controlUrl, `ws+unix://${socket}:/faasbox`);
    assert.ok(statSync(socket).isSocket(), `${socket} is a socket`);
    const status = runCli(["status", "--project", root]);
    assert.equal(status.status, 0, status.stderr);
    const event = join(root, "event.json");
    writeFileSync(event, '{"via":"socket"}');
    const invoked = await runCliAsync(["invoke", "node-esm", "--project", root, "--event", event]);
    assert.equal(invoked.status, 0, invoked.stderr);
    assert.match(invoked.stdout, /"via": ?"socket"/);
  });

  test("the emulator listens on TCP for the gateway and the Invoke API only", () => {
    const info = readConnectionInfo(root)!;
    const expected = [new URL(info.httpUrl!).port, new URL(info.invokeUrl!).port].map(Number).sort((a, b) => a - b);
    assert.deepEqual(listeningTcpPorts(server.pid!), expected);
  });

  test("the socket is its user's only: mode 600 in a folder of mode 700; another user cannot connect", () => {
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    assert.equal(statSync(join(socket, "..")).mode & 0o077, 0);
    // `nobody` tries the socket directly with Node's net module.
    const attempt = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e",
      `require("net").connect(${JSON.stringify(socket)}).on("connect", () => { console.log("connected"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(1); })`], { encoding: "utf8" });
    assert.notEqual(attempt.stdout.trim(), "connected");
    assert.match(attempt.stdout, /EACCES/);
  });
});

test("--control-socket refuses a folder another user could open, and a file in the way that is not a socket", () => {
  const root = copyFixture("runtime");
  const shared = join(tmpdir(), `faasbox-shared-${process.pid}`);
  mkdirSync(shared, { mode: 0o777 });
  spawnSync("chmod", ["777", shared]);
  const open = runCli(["start", root, "--executor", "process", "--http-port", "0", "--invoke-port", "0", "--control-socket", join(shared, "c.sock")]);
  assert.equal(open.status, 1);
  assert.match(open.stderr, /must be a directory of your own that only you can open \(mode 700\)/);

  const mine = join(tmpdir(), `faasbox-mine-${process.pid}`);
  mkdirSync(mine, { mode: 0o700 });
  writeFileSync(join(mine, "c.sock"), "not a socket");
  const blocked = runCli(["start", root, "--executor", "process", "--http-port", "0", "--invoke-port", "0", "--control-socket", join(mine, "c.sock")]);
  assert.equal(blocked.status, 1);
  assert.match(blocked.stderr, /a file that is not a socket is in the way/);

  const both = runCli(["start", root, "--port", "0", "--control-socket", join(mine, "d.sock")]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--control-socket and --port both say where the control API listens/);
});
