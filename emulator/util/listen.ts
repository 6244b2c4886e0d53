import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  port: number;
  /** Set when the wanted port was busy and a free one was taken instead. */
  busyPort?: number;
}

/**
 * Listens on `port`; when it is taken and `fallback` is allowed (the port was a default,
 * not the user's choice), on a free port instead, so a dev server already on 3000 does
 * not stop the emulator. An explicit port that is taken is an error that says so.
 */
export async function listenWithFallback(server: Server, port: number, host: string, fallback: boolean, what: string, flag: string): Promise<Listening> {
  const attempt = (p: number) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once("error", onError);
      server.listen(p, host, () => {
        server.off("error", onError);
        resolve();
      });
    });
  try {
    await attempt(port);
    return { port: (server.address() as AddressInfo).port };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    if (!fallback) throw new Error(`port ${port} for the ${what} is in use: choose another with ${flag}`);
    await attempt(0);
    return { port: (server.address() as AddressInfo).port, busyPort: port };
  }
}
