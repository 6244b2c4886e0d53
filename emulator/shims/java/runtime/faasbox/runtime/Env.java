package faasbox.runtime;

/** What the platform tells the runtime through its environment (see emulator/core/runtime/runtimeEnv.ts). */
final class Env {
  static final boolean SCF = "scf".equals(System.getenv("FAASBOX_DIALECT"));
  static final String FUNCTION_NAME = first(System.getenv("AWS_LAMBDA_FUNCTION_NAME"), System.getenv("SCF_FUNCTIONNAME"), "");
  static final int MEMORY_MB = Integer.parseInt(first(System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), System.getenv("SCF_MEMORY_SIZE"), "128"));
  static final String TASK_ROOT = first(System.getenv("LAMBDA_TASK_ROOT"), System.getenv("USER_CODE_ROOT"), System.getProperty("user.dir"));
  static final int TIMEOUT_SEC = Integer.parseInt(get("FAASBOX_TIMEOUT_SEC", "3"));

  private Env() {}

  static String get(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static String first(String a, String b, String fallback) {
    if (a != null && !a.isEmpty()) return a;
    if (b != null && !b.isEmpty()) return b;
    return fallback;
  }
}
