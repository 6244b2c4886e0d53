package faasbox.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.List;
import java.util.Map;

/** The runtime API of the function's cloud, over HttpURLConnection (kept alive by the JDK's pool). */
final class RuntimeApi {
  /** One response: status, headers (first value of each) and body. */
  static final class Reply {
    final int status;
    final Map<String, List<String>> headers;
    final byte[] body;

    Reply(int status, Map<String, List<String>> headers, byte[] body) {
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) return entry.getValue().get(0);
      }
      return null;
    }
  }

  private final String base;

  RuntimeApi(String host, int port) {
    this.base = "http://" + host + ":" + port;
  }

  Reply call(String method, String path, byte[] body, Map<String, String> headers) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) new URL(base + path).openConnection();
    connection.setRequestMethod(method);
    // The next invocation may be a long wait: no read timeout, as the clouds' runtime clients.
    connection.setReadTimeout(0);
    if (headers != null) for (Map.Entry<String, String> header : headers.entrySet()) connection.setRequestProperty(header.getKey(), header.getValue());
    if (body != null) {
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      }
    }
    int status = connection.getResponseCode();
    InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    byte[] reply = in == null ? new byte[0] : readAll(in);
    return new Reply(status, connection.getHeaderFields(), reply);
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (InputStream stream = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = stream.read(buffer)) > 0; ) out.write(buffer, 0, n);
      return out.toByteArray();
    }
  }
}
