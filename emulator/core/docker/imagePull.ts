import type Docker from "dockerode";

/**
 * A pull has this long: past it the function runs on the next image it can have, and says so.
 * Docker Hub's node and python slim images are 50-70 MB; five minutes covers a slow line.
 */
export const PULL_TIMEOUT_MS = 5 * 60_000;
/** Progress is said at most this often, so a pull of many layers does not flood the log. */
const PROGRESS_EVERY_MS = 5_000;

/**
 * Pulls `image` (for `platform` when given), saying its progress; rejects with the engine's
 * reason (no registry, unknown tag) or on timeout. Resolves once the image is on the engine.
 */
export async function pullImage(docker: Docker, image: string, say: (line: string) => void, platform?: string, timeoutMs = PULL_TIMEOUT_MS): Promise<void> {
  say(`faasbox: pulling ${image}${platform ? ` (${platform})` : ""} (first use; at most ${Math.round(timeoutMs / 1000)} s)`);
  const stream = (await docker.pull(image, platform ? { platform } : {})) as NodeJS.ReadableStream & { destroy?: () => void };
  const layers = new Map<string, string>();
  let lastSaid = Date.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy?.();
      reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: Array<{ error?: string }>) => {
        clearTimeout(timer);
        const failed = error?.message ?? events?.find((event) => event.error)?.error;
        if (failed) reject(new Error(failed));
        else resolve();
      },
      (event: { id?: string; status?: string }) => {
        if (event.id && event.status) layers.set(event.id, event.status);
        if (Date.now() - lastSaid < PROGRESS_EVERY_MS) return;
        lastSaid = Date.now();
        const done = [...layers.values()].filter((status) => /complete|already exists/i.test(status)).length;
        say(`faasbox: pulling ${image}: ${done} of ${layers.size} layers done`);
      },
    );
  });
  say(`faasbox: pulled ${image}`);
}
