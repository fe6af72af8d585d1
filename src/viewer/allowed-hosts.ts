import { hostname, networkInterfaces } from "node:os";

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];
const WILDCARDS = ["0.0.0.0", "::", "[::]"];

/**
 * The Host headers a request may carry: the names this server is reached by, and nothing else.
 * A page elsewhere whose DNS name was rebound to this machine sends its own name and is refused,
 * whatever address the viewer is bound to. Bound to every address, the machine's own name and
 * addresses count; `extra` adds names (a DNS name, a tunnel) the user vouches for.
 */
export function allowedHosts(
  host: string,
  port: number,
  extra: readonly string[] = [],
): Set<string> {
  const names = new Set([...LOOPBACK_NAMES, bracketed(host), ...extra.map(bracketed)]);
  if (WILDCARDS.includes(host)) {
    names.add(hostname());
    for (const addresses of Object.values(networkInterfaces()))
      for (const address of addresses ?? []) names.add(bracketed(address.address));
  }
  const headers = new Set<string>();
  for (const name of names) {
    headers.add(`${name.toLowerCase()}:${port}`);
    if (port === 80) headers.add(name.toLowerCase());
  }
  return headers;
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
