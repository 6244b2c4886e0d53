package faasbox.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java exception as the clouds report it: errorType is the exception's class name, errorMessage its
 * message, stackTrace its frames as strings ("package.Class.method(File.java:12)"), and the cause
 * nested as "cause" (https://docs.aws.amazon.com/lambda/latest/dg/java-exceptions.html). SCF's Java
 * page documents no error shape: its functions get the same.
 */
final class Errors {
  private Errors() {}

  static Map<String, Object> body(Throwable error) {
    return body(error, typeOf(error), error.getMessage());
  }

  static Map<String, Object> body(Throwable error, String type, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("errorMessage", message == null ? "" : message);
    body.put("errorType", type);
    body.put("stackTrace", frames(error));
    Throwable cause = error.getCause();
    if (cause != null && cause != error) body.put("cause", body(cause));
    return body;
  }

  static String typeOf(Throwable error) {
    return error instanceof Handler.SerializationError ? "java.lang.RuntimeException" : error.getClass().getName();
  }

  /** The function's own frames: the shim's and reflection's below them mean nothing to the user. */
  static List<String> frames(Throwable error) {
    List<String> frames = new ArrayList<>();
    for (StackTraceElement frame : error.getStackTrace()) {
      String cls = frame.getClassName();
      if (cls.startsWith("faasbox.runtime.") || cls.startsWith("jdk.internal.reflect.") || cls.startsWith("java.lang.reflect.Method")) break;
      frames.add(frame.toString());
    }
    return frames;
  }

  /** What the log shows: the exception as Java prints it, its frames and causes. */
  static String logText(Map<String, Object> body) {
    StringBuilder text = new StringBuilder();
    appendLog(text, body, false);
    return text.toString();
  }

  @SuppressWarnings("unchecked")
  private static void appendLog(StringBuilder text, Map<String, Object> body, boolean cause) {
    if (cause) text.append("\nCaused by: ");
    text.append(body.get("errorType"));
    Object message = body.get("errorMessage");
    if (message != null && !message.toString().isEmpty()) text.append(": ").append(message);
    for (Object frame : (List<Object>) body.get("stackTrace")) text.append("\n\tat ").append(frame);
    if (body.get("cause") instanceof Map) appendLog(text, (Map<String, Object>) body.get("cause"), true);
  }
}
