import type { FunctionSpec } from "../../project/spec";
import { declaredRuntime } from "../../config/runtimeVersions";

/** The share of the function's memory given to the Java heap; the rest is the JVM's own (metaspace, threads, code). */
const HEAP_SHARE = 0.85;

/**
 * The JVM's command line for Faasbox's Java shim (emulator/shims/java, built into dist/shims/java).
 * As Lambda runs Java (https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html): the
 * serial garbage collector, and for Java 17 and later tiered compilation stopped at level 1 (C1
 * only), which shortens cold starts; Java 11 and earlier keep the JVM's defaults. JAVA_TOOL_OPTIONS,
 * which Lambda documents for the user's own flags, the JVM reads by itself. The heap is sized from
 * the function's memory: neither cloud documents its -Xmx, so 85% of it is Faasbox's choice, which
 * leaves room for the JVM's other memory inside the container's limit. SCF's Java docs are silent on
 * JVM flags: its functions get the same.
 */
export function javaCommand(spec: FunctionSpec, shimRoot: string, extraFlags: string[] = []): string[] {
  const major = Number(declaredRuntime(spec.runtime, "java").version ?? "17");
  const heapMb = Math.max(16, Math.floor(spec.memoryMb * HEAP_SHARE));
  return [
    "java",
    "-XX:+UseSerialGC",
    ...(major >= 17 ? ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"] : []),
    `-Xmx${heapMb}m`,
    // The JVM's own hsperfdata file in /tmp is of no use here and costs a write at every start.
    "-XX:-UsePerfData",
    ...extraFlags,
    "-cp",
    `${shimRoot}/java/build/faasbox-runtime.jar`,
    "faasbox.runtime.Bootstrap",
  ];
}
