import type { ImageRequest } from "../../emulator/core/executors/executor";
import type { FunctionSpec, HttpRoute } from "../../emulator/project/spec";

/**
 * A FunctionSpec with everything a test does not care about filled in: an AWS Node.js
 * function with the manifest defaults (128 MB, 3 s, 10 instances, 100 queued, 5 min keep-alive).
 */
export function functionSpec(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const dialect = overrides.dialect ?? "aws";
  return {
    name: "fn",
    dialect,
    runtime: dialect === "aws" ? "nodejs20.x" : "Nodejs18.15",
    family: "nodejs",
    codeDir: "/tmp/faasbox-test-code",
    handler: dialect === "aws" ? "index.handler" : "index.main_handler",
    memoryMb: 128,
    timeoutSec: 3,
    environment: {},
    triggers: [],
    namespace: "default",
    region: dialect === "aws" ? "us-east-1" : "ap-guangzhou",
    maxConcurrency: 10,
    queueSize: 100,
    keepAliveMs: 5 * 60_000,
    minWarm: 0,
    source: { file: "/tmp/faasbox-test-code/faasbox.yml", line: 1 },
    ...overrides,
  };
}

/** An HTTP route trigger (GET /hello, SCF payload unless told). */
export function httpRoute(overrides: Partial<HttpRoute> = {}): HttpRoute {
  return { kind: "http", method: "GET", path: "/hello", payload: "scf", ...overrides };
}

/** An image request with one image (the fake executor takes no image). */
export function fixedImage(image: string): ImageRequest {
  return { functionName: "fn", runtime: "nodejs20.x", declared: { family: "nodejs", version: "20" }, candidates: [{ image, source: "test" }] };
}
