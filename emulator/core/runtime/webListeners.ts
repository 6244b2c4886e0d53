/**
 * The addresses a port listens on, from the kernel's socket tables (/proc/net/tcp and tcp6, as
 * `cat` prints them inside the instance): each line is `sl local_address rem_address st ...`,
 * addresses in hex (IPv4 little-endian), state 0A for LISTEN (see proc(5), /proc/net/tcp).
 */
export function listeningAddresses(tables: string, port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  const addresses: string[] = [];
  for (const line of tables.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== "0A") continue;
    const [address, localPort] = fields[1].split(":");
    if (localPort?.toUpperCase() !== portHex) continue;
    addresses.push(address.length === 8 ? ipv4(address) : ipv6(address));
  }
  return addresses;
}

/** Whether every listener is on the loopback address only (127.0.0.0/8 or ::1): SCF's proxy cannot reach it. */
export function loopbackOnly(addresses: string[]): boolean {
  return addresses.length > 0 && addresses.every((address) => address.startsWith("127.") || address === "::1" || address.startsWith("::ffff:127."));
}

function ipv4(hex: string): string {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return bytes.reverse().join(".");
}

/** Four 32-bit words, each little-endian. */
function ipv6(hex: string): string {
  const words = [0, 8, 16, 24].map((i) => hex.slice(i, i + 8).match(/../g)!.reverse().join(""));
  const joined = words.join("").toLowerCase();
  if (/^0{32}$/.test(joined)) return "::";
  if (joined === "0".repeat(31) + "1") return "::1";
  if (joined.startsWith("0".repeat(20) + "ffff")) return `::ffff:${ipv4(words[3].match(/../g)!.reverse().join(""))}`;
  return joined.match(/..../g)!.join(":");
}
