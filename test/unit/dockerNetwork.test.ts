// FAASBOX_DOCKER_NETWORK: Docker's modes, named networks that exist on the engine, and a
// clear refusal of anything else (a typo used to mean host).
import { test } from "node:test";
import assert from "node:assert/strict";
import type Docker from "dockerode";
import { checkNetworkExists, chooseNetwork, describeNetwork, engineDefaultNetwork, networkMode, parseNetwork } from "../../emulator/core/docker/network";
import { DIRECT_MODE_WARNING, agentWanted, configuredNetwork } from "../../emulator/core/executors/createExecutor";

const engineWith = (...names: string[]) => ({ listNetworks: async () => names.map((Name, i) => ({ Name, Id: String(i) })) }) as unknown as Docker;

test("unset or empty: the engine decides: bridge where it has one (Docker, Docker Desktop, Podman), else host", async () => {
  assert.equal(parseNetwork(undefined), undefined);
  assert.equal(parseNetwork("  "), undefined);
  assert.equal(configuredNetwork({}), undefined);
  assert.equal(engineDefaultNetwork(["bridge", "host", "none"]), "bridge");
  assert.equal(engineDefaultNetwork(["podman"]), "bridge", "Podman before 4.2 lists its default network as podman");
  assert.equal(engineDefaultNetwork(["host", "none"]), "host", "dockerd --bridge=none");
  assert.equal(await chooseNetwork(engineWith("bridge", "host", "none"), undefined), "bridge");
  assert.equal(await chooseNetwork(engineWith("host", "none"), undefined), "host");
  assert.equal(await chooseNetwork(engineWith("bridge", "host", "none"), "none"), "none", "a configured network wins");
});

test("containers run under the agent unless FAASBOX_AGENT=0; local processes only with FAASBOX_AGENT=1", () => {
  assert.equal(agentWanted("docker", {}, {}), true);
  assert.equal(agentWanted("docker", {}, { FAASBOX_AGENT: "1" }), true);
  assert.equal(agentWanted("docker", {}, { FAASBOX_AGENT: "0" }), false);
  assert.equal(agentWanted("docker", { agent: true }, { FAASBOX_AGENT: "0" }), true, "the option wins");
  assert.equal(agentWanted("process", {}, {}), false);
  assert.equal(agentWanted("process", {}, { FAASBOX_AGENT: "1" }), true);
  assert.match(DIRECT_MODE_WARNING, /^FAASBOX_AGENT=0: .*host's loopback/);
});

test("Docker's modes, in any case", () => {
  assert.equal(parseNetwork("host"), "host");
  assert.equal(parseNetwork("bridge"), "bridge");
  assert.equal(parseNetwork("none"), "none");
  assert.equal(parseNetwork(" NONE "), "none");
  assert.equal(configuredNetwork({ FAASBOX_DOCKER_NETWORK: "none" }), "none");
});

test("any other valid network name is a named network, passed to the engine as it is", () => {
  assert.deepEqual(parseNetwork("my-app_default"), { name: "my-app_default" });
  assert.equal(networkMode({ name: "my-app_default" }), "my-app_default");
  assert.equal(networkMode("none"), "none");
});

test("anything Docker would not take as a network is refused, naming the variable and the choices", () => {
  for (const value of ["container:db", "two words", "-x", "host;rm"]) {
    assert.throws(() => parseNetwork(value), (error: Error) => {
      assert.match(error.message, new RegExp(`^FAASBOX_DOCKER_NETWORK=${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not a network`));
      assert.match(error.message, /host, bridge, none, or the name of a network on the engine/);
      return true;
    });
  }
});

test("a named network must exist on the engine: a typo is refused with the networks there", async () => {
  const docker = {
    listNetworks: async () => [{ Name: "bridge", Id: "1" }, { Name: "host", Id: "2" }, { Name: "none", Id: "3" }, { Name: "shop_default", Id: "4" }],
  } as unknown as Docker;
  await checkNetworkExists(docker, { name: "shop_default" }, "the engine");
  await checkNetworkExists(docker, "none", "the engine");
  await assert.rejects(checkNetworkExists(docker, { name: "hots" }, "unix:///var/run/docker.sock (default socket)"), (error: Error) => {
    assert.equal(
      error.message,
      "FAASBOX_DOCKER_NETWORK=hots: the Docker engine at unix:///var/run/docker.sock (default socket) has no network of that name. Use host, bridge or none, or one of its networks: shop_default.",
    );
    return true;
  });
});

test("the description says where the choice came from", () => {
  assert.equal(describeNetwork("host", {}), "host (the default: the engine has no bridge network; FAASBOX_DOCKER_NETWORK or the faasbox.docker.network setting chooses another)");
  assert.equal(describeNetwork("bridge", {}), "bridge (the default: the engine has a bridge network; FAASBOX_DOCKER_NETWORK or the faasbox.docker.network setting chooses another)");
  assert.equal(describeNetwork("none", { FAASBOX_DOCKER_NETWORK: "none" }), "none (from FAASBOX_DOCKER_NETWORK)");
  assert.equal(describeNetwork({ name: "shop" }, { FAASBOX_DOCKER_NETWORK: "shop" }), 'the network "shop" (from FAASBOX_DOCKER_NETWORK)');
});
