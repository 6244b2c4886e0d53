// FAASBOX_DOCKER_NETWORK: Docker's modes, named networks that exist on the engine, and a
// clear refusal of anything else (a typo used to mean host).
import { test } from "node:test";
import assert from "node:assert/strict";
import type Docker from "dockerode";
import { checkNetworkExists, describeNetwork, networkMode, parseNetwork } from "../../emulator/core/docker/network";
import { defaultNetwork } from "../../emulator/core/executors/createExecutor";

test("unset or empty: host on Linux, bridge elsewhere", () => {
  assert.equal(parseNetwork(undefined, "linux"), "host");
  assert.equal(parseNetwork("", "linux"), "host");
  assert.equal(parseNetwork("  ", "darwin"), "bridge");
  assert.equal(parseNetwork(undefined, "win32"), "bridge");
  assert.equal(defaultNetwork({}), process.platform === "linux" ? "host" : "bridge");
});

test("Docker's modes, in any case", () => {
  assert.equal(parseNetwork("host"), "host");
  assert.equal(parseNetwork("bridge"), "bridge");
  assert.equal(parseNetwork("none"), "none");
  assert.equal(parseNetwork(" NONE "), "none");
  assert.equal(defaultNetwork({ FAASBOX_DOCKER_NETWORK: "none" }), "none");
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
  assert.equal(describeNetwork("host", {}, "linux"), "host (the default on Linux; FAASBOX_DOCKER_NETWORK chooses another)");
  assert.equal(describeNetwork("none", { FAASBOX_DOCKER_NETWORK: "none" }), "none (from FAASBOX_DOCKER_NETWORK)");
  assert.equal(describeNetwork({ name: "shop" }, { FAASBOX_DOCKER_NETWORK: "shop" }), 'the network "shop" (from FAASBOX_DOCKER_NETWORK)');
});
