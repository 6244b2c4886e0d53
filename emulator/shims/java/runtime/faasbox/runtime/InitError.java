package faasbox.runtime;

/** A failure before the first invocation: the class, method or instance the handler names cannot be had. */
final class InitError extends Exception {
  final String errorType;

  InitError(String errorType, String message, Throwable cause) {
    super(message, cause);
    this.errorType = errorType;
  }
}
