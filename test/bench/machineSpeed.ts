import { createHash } from "node:crypto";

const BLOCK = Buffer.alloc(1024 * 1024, 7);

/**
 * Milliseconds one core takes for a fixed task (SHA-256 of 128 MiB, best of three). Timed at the
 * start, middle and end of a run: the machine is shared with others, and a slow spell (the same
 * task taking longer) explains figures that moved together; ratios within a run still compare.
 */
export function fixedTaskMs(): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    const hash = createHash("sha256");
    for (let i = 0; i < 128; i++) hash.update(BLOCK);
    hash.digest();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}
