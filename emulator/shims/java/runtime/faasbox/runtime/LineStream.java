package faasbox.runtime;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Stands in for System.out / System.err: each complete line becomes a log record. */
final class LineStream extends OutputStream {
  private final String stream;
  private final LogShipper shipper;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  LineStream(String stream, LogShipper shipper) {
    this.stream = stream;
    this.shipper = shipper;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') emit();
    else partial.write(b);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) write(bytes[i]);
  }

  /** A line left open (no newline yet) still belongs to the request that printed it. */
  synchronized void flushPartial() {
    if (partial.size() > 0) emit();
  }

  private void emit() {
    byte[] bytes = partial.toByteArray();
    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    shipper.add(stream, new String(bytes, 0, end, StandardCharsets.UTF_8));
    partial.reset();
  }
}
