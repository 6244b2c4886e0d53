import { Agent, request } from "node:http";
import { percentile } from "./stats";

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** Every answered request's latency in ms, in the order they ended (to combine rounds). */
  latencies: number[];
  /** How long the load ran, in seconds. */
  seconds: number;
}

/** `concurrency` keep-alive clients GET `url` in a loop for `seconds`; latencies in ms. */
export async function httpLoad(url: string, concurrency: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          else errors++;
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) await once();
  }));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { requestsPerSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, latencies, seconds: elapsed };
}
