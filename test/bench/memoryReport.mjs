// Preloaded (`node --import`) into the `faasbox start` the idle-memory bench runs: on SIGUSR2 it
// writes process.memoryUsage() to $FAASBOX_BENCH_MEMORY_FILE, so the bench can print the heap
// beside the RSS it reads from /proc. Bench-only: the emulator itself has no such hook.
import { writeFileSync } from "node:fs";

process.on("SIGUSR2", () => writeFileSync(process.env.FAASBOX_BENCH_MEMORY_FILE, JSON.stringify(process.memoryUsage())));
