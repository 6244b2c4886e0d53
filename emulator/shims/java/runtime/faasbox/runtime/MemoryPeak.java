package faasbox.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/** The instance's peak memory for REPORT's Max Memory Used: the larger of the process's peak RSS and the container cgroup's peak. */
final class MemoryPeak {
  private MemoryPeak() {}

  static long kilobytes() {
    long peak = 0;
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmHWM:")) peak = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | NumberFormatException e) {
      // No /proc: the peak stays unknown (0).
    }
    if (System.getenv("FAASBOX_IN_CONTAINER") != null) {
      for (String path : new String[] {"/sys/fs/cgroup/memory.peak", "/sys/fs/cgroup/memory/memory.max_usage_in_bytes"}) {
        try {
          long bytes = Long.parseLong(new String(Files.readAllBytes(Paths.get(path)), StandardCharsets.US_ASCII).trim());
          peak = Math.max(peak, (bytes + 1023) / 1024);
          break;
        } catch (IOException | NumberFormatException e) {
          // Not this cgroup version.
        }
      }
    }
    return peak;
  }
}
