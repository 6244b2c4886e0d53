// What an instance's container exposes, on whichever engine the tier runs against: the local
// engine (docker tier) or one that shares neither network nor files with the emulator (remote
// tier, FAASBOX_TEST_ENGINE=remote: see test/remote/runRemoteTier.ts). In both: the agent is
// PID 1, no port is published, the network is the one chosen, and this process listens on no
// port for its instances (a debug session's forward on 127.0.0.1 alone). Code reaches the
// container as read-only bind mounts where the engine sees the project, else as volumes only.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import type Docker from "dockerode";
import { AGENT_CONTAINER_PATH } from "../../emulator/core/agent/agentBinary";
import { LABELS } from "../../emulator/core/docker/labels";
import type { Engine } from "../../emulator/core/engine";
import { faasboxContainers, leftoverContainers, requireDocker } from "../helpers/docker";
import { startEmulator } from "../helpers/emulator";

const remote = process.env.FAASBOX_TEST_ENGINE === "remote";

/** The TCP ports this process listens on: its sockets (/proc/self/fd) found in the kernel's tables in state LISTEN. */
function ownListeningPorts(): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync("/proc/self/fd")) {
    const target = (() => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return "";
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st ... uid timeout inode
      if (fields.length > 9 && fields[3] === "0A" && inodes.has(fields[9])) ports.push(parseInt(fields[1].split(":")[1], 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

describe(`what an instance's container exposes (${remote ? "an engine that shares neither network nor files" : "the local engine"})`, () => {
  let docker: Docker;
  let emulator: Engine;
  let listeningBefore: number[];
  let inspected: Docker.ContainerInspectInfo[];
  let debugPort: number;

  before(async () => {
    docker = await requireDocker();
    listeningBefore = ownListeningPorts();
    // Counted below (two pool instances and a debug instance): no standby instances; theirs are made by the same code.
    emulator = await startEmulator("runtime", { executor: "docker", standby: { enabled: false } });
    for (const name of ["node-cjs", "python-aws"]) {
      const result = await emulator.invoke(name, {});
      assert.equal(result.ok, true, `${name}: ${JSON.stringify(result.error)}`);
    }
    const session = await emulator.debugSessions.start(emulator.getFunction("node-cjs"), "test");
    debugPort = session.port;
    const containers = await faasboxContainers(docker, [`${LABELS.session}=${emulator.id}`]);
    inspected = await Promise.all(containers.map((c) => docker.getContainer(c.Id).inspect()));
    assert.equal(inspected.length, 3, "two pool instances and a debug instance");
  });

  after(async () => {
    await emulator?.shutdown();
    assert.deepEqual(await leftoverContainers(docker), []);
  });

  test("the agent is each container's entrypoint (PID 1)", () => {
    for (const info of inspected) assert.equal(info.Config.Cmd?.[0], AGENT_CONTAINER_PATH, info.Name);
  });

  test("no port is published, and each container joins the network chosen", () => {
    const expected = process.env.FAASBOX_DOCKER_NETWORK || (remote ? "none" : "host");
    for (const info of inspected) {
      assert.deepEqual(Object.keys(info.HostConfig.PortBindings ?? {}), [], info.Name);
      assert.deepEqual(Object.keys(info.NetworkSettings.Ports ?? {}), [], info.Name);
      assert.equal(info.HostConfig.NetworkMode, expected, info.Name);
    }
  });

  test(remote ? "no host path is mounted: code, shims and the agent are volumes" : "host folders are mounted read-only, nothing else of the host", () => {
    for (const info of inspected) {
      const binds = info.HostConfig.Binds ?? [];
      if (remote) {
        assert.deepEqual(binds, [], info.Name);
        assert.deepEqual(info.Mounts.filter((m) => m.Type !== "volume").map((m) => m.Destination), [], info.Name);
      } else {
        assert.ok(binds.length >= 3, `${info.Name}: code, shims and the agent: ${JSON.stringify(binds)}`);
        assert.deepEqual(binds.filter((b) => !b.endsWith(":ro")), [], `${info.Name}: every bind mount is read-only`);
      }
      assert.equal(info.HostConfig.ReadonlyRootfs, true, info.Name);
    }
  });

  test("the engine keeps no log of what an instance prints: events and answers are not copied to its disk", async () => {
    const secret = `faasbox-exposure-${process.pid}-${Date.now()}`;
    // python-aws: node-cjs has a debug session, whose instance waits for a debugger.
    const result = await emulator.invoke("python-aws", { secret });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    for (const info of inspected) {
      assert.equal(info.HostConfig.LogConfig?.Type, "none", info.Name);
      assert.equal(info.LogPath, "", `${info.Name}: no log file`);
      // `docker logs` has nothing to read back, the event above included.
      const logs = await docker.getContainer(info.Id).logs({ stdout: true, stderr: true }).then((b) => String(b), (error: Error) => error.message);
      assert.ok(!logs.includes(secret), `${info.Name}: ${logs}`);
      assert.match(logs, /does not support reading|logging driver/i, `${info.Name}: the engine says it keeps no log`);
    }
  });

  test("the emulator listens on no port for its instances: only the debug session's forward, on 127.0.0.1", () => {
    const opened = ownListeningPorts().filter((port) => !listeningBefore.includes(port));
    assert.deepEqual(opened, [debugPort]);
  });
});
