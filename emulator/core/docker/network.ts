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

/** The mode functions get when FAASBOX_DOCKER_NETWORK is unset: Linux engines share the host's loopback; Docker Desktop needs a bridge. */
export function platformDefaultNetwork(platform: NodeJS.Platform = process.platform): "host" | "bridge" {
  return platform === "linux" ? "host" : "bridge";
}

/**
 * The network FAASBOX_DOCKER_NETWORK asks for (unset or empty: the platform's default).
 * `host`, `bridge` and `none` are Docker's modes; any other word that Docker accepts as a
 * network name is a named network, which must exist on the engine (checkNetworkExists), so a
 * typo is refused there rather than taken for host. Throws on anything else.
 */
export function parseNetwork(value: string | undefined, platform: NodeJS.Platform = process.platform): NetworkChoice {
  const text = value?.trim() ?? "";
  if (text === "") return platformDefaultNetwork(platform);
  const lower = text.toLowerCase();
  if ((MODES as readonly string[]).includes(lower)) return lower as (typeof MODES)[number];
  if (NETWORK_NAME.test(text)) return { name: text };
  throw new Error(`${NETWORK_VARIABLE}=${JSON.stringify(value)} is not a network: use ${CHOICES}.`);
}

/** The value for HostConfig.NetworkMode. */
export function networkMode(choice: NetworkChoice): string {
  return typeof choice === "string" ? choice : choice.name;
}

/** For messages and `faasbox doctor`: the choice and where it came from. */
export function describeNetwork(choice: NetworkChoice, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const configured = env[NETWORK_VARIABLE]?.trim();
  if (!configured) {
    return `${networkMode(choice)} (the default on ${platform === "linux" ? "Linux" : platform === "darwin" ? "macOS" : platform === "win32" ? "Windows" : platform}; ${NETWORK_VARIABLE} chooses another)`;
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
  const networks = (await docker.listNetworks()) as Array<{ Name: string; Id: string }>;
  if (networks.some((network) => network.Name === choice.name)) return;
  const names = networks.map((network) => network.Name).filter((name) => !(MODES as readonly string[]).includes(name)).sort();
  throw new Error(
    `${NETWORK_VARIABLE}=${choice.name}: the Docker engine at ${target} has no network of that name. ` +
      `Use host, bridge or none, ${names.length > 0 ? `or one of its networks: ${names.join(", ")}` : "or create it first (docker network create NAME)"}.`,
  );
}
