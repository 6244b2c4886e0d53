// FAASBOX_DOCKER_NETWORK: the network functions' containers join. Parsed and checked here;
// what each mode means for a container is the executor's business.
import type Docker from "dockerode";

export const NETWORK_VARIABLE = "FAASBOX_DOCKER_NETWORK";

/** Docker's own modes, or a network of that name on the engine (`docker network ls`). */
export type NetworkChoice = "host" | "bridge" | "none" | { name: string };

const MODES = ["host", "bridge", "none"] as const;
/** What `docker network create` accepts as a name. */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

const CHOICES = `host, bridge, none, or the name of a network on the engine (docker network ls)`;

/**
 * The network FAASBOX_DOCKER_NETWORK asks for; unset or empty: undefined, the engine's default
 * (engineDefaultNetwork). `host`, `bridge` and `none` are Docker's modes; any other word that
 * Docker accepts as a network name is a named network, which must exist on the engine
 * (checkNetworkExists), so a typo is refused there rather than taken for host. Throws on
 * anything else.
 */
export function parseNetwork(value: string | undefined): NetworkChoice | undefined {
  const text = value?.trim() ?? "";
  if (text === "") return undefined;
  const lower = text.toLowerCase();
  if ((MODES as readonly string[]).includes(lower)) return lower as (typeof MODES)[number];
  if (NETWORK_NAME.test(text)) return { name: text };
  throw new Error(`${NETWORK_VARIABLE}=${JSON.stringify(value)} is not a network: use ${CHOICES}.`);
}

/**
 * The network functions get when nothing chooses one: `bridge` where the engine has one (Docker
 * Desktop, rootless Docker, a stock Linux engine; Podman's compatible API lists its default
 * network as `bridge` since 4.2 and takes `bridge` for it, older ones list it as `podman`:
 * podman-container-tools/podman#15016), so a function reaches the internet but neither
 * the host's loopback nor its neighbours' ports; `host` on an engine started without a bridge
 * (dockerd --bridge=none), where bridge would fail at the first container. Either way the
 * runtime reaches its Runtime API through the in-container agent, never through the network.
 */
export function engineDefaultNetwork(networkNames: readonly string[]): "bridge" | "host" {
  return networkNames.includes("bridge") || networkNames.includes("podman") ? "bridge" : "host";
}

/** The networks an engine has, by name (`docker network ls`). */
export async function engineNetworkNames(docker: Docker): Promise<string[]> {
  const networks = (await docker.listNetworks()) as Array<{ Name: string }>;
  return networks.map((network) => network.Name);
}

/** The configured network, or the engine's default when none is configured. */
export async function chooseNetwork(docker: Docker, configured: NetworkChoice | undefined): Promise<NetworkChoice> {
  return configured ?? engineDefaultNetwork(await engineNetworkNames(docker));
}

/** The value for HostConfig.NetworkMode. */
export function networkMode(choice: NetworkChoice): string {
  return typeof choice === "string" ? choice : choice.name;
}

/** For messages and `faasbox doctor`: the choice and where it came from. */
export function describeNetwork(choice: NetworkChoice, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[NETWORK_VARIABLE]?.trim();
  if (!configured) {
    const why = choice === "bridge" ? "the engine has a bridge network" : "the engine has no bridge network";
    return `${networkMode(choice)} (the default: ${why}; ${NETWORK_VARIABLE} or the faasbox.docker.network setting chooses another)`;
  }
  return typeof choice === "string" ? `${choice} (from ${NETWORK_VARIABLE})` : `the network "${choice.name}" (from ${NETWORK_VARIABLE})`;
}

/**
 * For a named network, that the engine has it (matched by exact name, as a user would type
 * it); throws naming the variable, the engine and the networks it has. Docker's own modes
 * need no check.
 */
export async function checkNetworkExists(docker: Docker, choice: NetworkChoice, target: string): Promise<void> {
  if (typeof choice === "string") return;
  const all = await engineNetworkNames(docker);
  if (all.includes(choice.name)) return;
  const names = all.filter((name) => !(MODES as readonly string[]).includes(name)).sort();
  throw new Error(
    `${NETWORK_VARIABLE}=${choice.name}: the Docker engine at ${target} has no network of that name. ` +
      `Use host, bridge or none, ${names.length > 0 ? `or one of its networks: ${names.join(", ")}` : "or create it first (docker network create NAME)"}.`,
  );
}
