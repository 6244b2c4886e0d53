package faasbox.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends log lines to the emulator from a background thread, in order, each tagged with the
 * request it belongs to (POST /faasbox/v1/logs, as the Node and Python shims do); a result
 * waits for flush() so its lines come before its END.
 */
final class LogShipper implements Runnable {
  private static final int BATCH_LINES = 500;
  private final RuntimeApi api;
  private final Json json;
  private final List<Map<String, Object>> queue = new ArrayList<>();
  private boolean sending;
  volatile String currentRequestId;

  LogShipper(RuntimeApi api, Json json) {
    this.api = api;
    this.json = json;
    Thread thread = new Thread(this, "faasbox-logs");
    thread.setDaemon(true);
    thread.start();
  }

  void add(String stream, String text) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("stream", stream);
    String requestId = currentRequestId;
    if (requestId != null) line.put("requestId", requestId);
    line.put("time", System.currentTimeMillis());
    line.put("text", text);
    synchronized (this) {
      queue.add(line);
      notifyAll();
    }
  }

  @Override
  public void run() {
    while (true) {
      List<Map<String, Object>> batch;
      synchronized (this) {
        while (queue.isEmpty()) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        int n = Math.min(BATCH_LINES, queue.size());
        batch = new ArrayList<>(queue.subList(0, n));
        queue.subList(0, n).clear();
        sending = true;
      }
      try {
        api.call("POST", "/faasbox/v1/logs", json.write(batch), Map.of("Content-Type", "application/json"));
      } catch (Exception e) {
        // The emulator is gone: nothing useful can be done with the lines.
      }
      synchronized (this) {
        sending = false;
        notifyAll();
      }
    }
  }

  synchronized void flush() {
    while (!queue.isEmpty() || sending) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
