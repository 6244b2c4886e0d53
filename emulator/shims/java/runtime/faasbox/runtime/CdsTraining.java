package faasbox.runtime;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The function's class-data-sharing archive (see emulator/core/runtime/javaCds.ts). A JVM writes
 * its dynamic archive (-XX:ArchiveClassesAtExit) only when it exits normally, and an instance is
 * killed when it goes: so after the first invocation a second, short-lived JVM at the lowest
 * priority loads what a cold start loads (the shim, Jackson, the handler's class) and exits; its
 * archive is moved into place only when complete.
 */
final class CdsTraining {
  private CdsTraining() {}

  static void startInBackground(String archive) {
    Thread thread = new Thread(() -> train(archive), "faasbox-cds");
    thread.setDaemon(true);
    thread.start();
  }

  private static void train(String archive) {
    Path target = Paths.get(archive);
    Path partial = Paths.get(archive + "." + ProcessHandle.current().pid() + ".partial");
    try {
      String jar = Paths.get(Bootstrap.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      List<String> command = new ArrayList<>();
      if (new File("/usr/bin/nice").canExecute()) command.addAll(List.of("/usr/bin/nice", "-n", "19"));
      command.addAll(List.of(System.getProperty("java.home") + "/bin/java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-XX:-UsePerfData",
          "-Xshare:auto", "-XX:ArchiveClassesAtExit=" + partial, "-cp", jar, Bootstrap.class.getName()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.environment().put("FAASBOX_JAVA_CDS_TRAINING", "1");
      builder.environment().remove("FAASBOX_JAVA_CDS_TRAIN");
      builder.environment().remove("JAVA_TOOL_OPTIONS");
      int status = builder.start().waitFor();
      if (status == 0 && Files.size(partial) > 0) Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (Exception e) {
      // No archive: the next cold start runs without one and this instance's successor tries again.
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (Exception ignored) {
        // Left behind in the cache folder; harmless.
      }
    }
  }

  /** What a cold start loads, then a normal exit (the JVM writes the archive). */
  static void loadClassesAndExit() {
    try {
      Json json = Bootstrap.loadJson();
      ClassLoader code = Bootstrap.codeLoader();
      Thread.currentThread().setContextClassLoader(code);
      // The handler's class and its static initialiser, and JSON for its types, as at a cold start.
      Handler.load(System.getenv("_HANDLER"), code, json).prepareJson();
      for (Class<?> cls : new Class<?>[] {LambdaContext.class, ScfContext.class, Invocation.class, Errors.class, LogShipper.class, LineStream.class, RuntimeApi.class, MemoryPeak.class}) {
        Class.forName(cls.getName());
      }
      new URL("http://127.0.0.1:9/").openConnection();
      "warm".getBytes(StandardCharsets.UTF_8);
    } catch (Throwable e) {
      // An archive of what did load is still worth having.
    }
    System.exit(0);
  }
}
