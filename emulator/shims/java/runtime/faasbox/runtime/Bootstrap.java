package faasbox.runtime;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Faasbox's Java runtime: loads the handler _HANDLER names from the function's code and serves
 * invocations through the runtime API of its cloud (Lambda's Runtime API, or SCF's custom-runtime
 * dialect), as emulator/shims/node/bootstrap.js and python/bootstrap.py do for their languages.
 */
public final class Bootstrap {
  private Bootstrap() {}

  public static void main(String[] args) throws Exception {
    if (System.getenv("FAASBOX_JAVA_CDS_TRAINING") != null) {
      CdsTraining.loadClassesAndExit();
      return;
    }
    String host;
    int port;
    if (Env.SCF) {
      host = System.getenv("SCF_RUNTIME_API");
      port = Integer.parseInt(System.getenv("SCF_RUNTIME_API_PORT"));
    } else {
      String[] address = System.getenv("AWS_LAMBDA_RUNTIME_API").split(":");
      host = address[0];
      port = Integer.parseInt(address[1]);
    }
    String prefix = Env.SCF ? "/runtime" : "/2018-06-01/runtime";
    RuntimeApi api = new RuntimeApi(host, port);
    Json json = loadJson();
    LogShipper shipper = new LogShipper(api, json);
    LineStream out = new LineStream("stdout", shipper);
    LineStream err = new LineStream("stderr", shipper);
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    LambdaLogger logger = new LambdaLogger() {
      // Each call is one record, its trailing newline dropped (https://docs.aws.amazon.com/lambda/latest/dg/java-logging.html).
      @Override public void log(String message) { shipper.add("stdout", message == null ? "null" : message.replaceAll("\r?\n$", "")); }
      @Override public void log(byte[] message) { log(new String(message, StandardCharsets.UTF_8)); }
    };

    Handler handler;
    try {
      ClassLoader code = codeLoader();
      Thread.currentThread().setContextClassLoader(code);
      handler = Handler.load(System.getenv("_HANDLER"), code, json);
      handler.prepareJson();
    } catch (InitError e) {
      Map<String, Object> body = e.getCause() != null ? Errors.body(e.getCause(), e.errorType, e.getMessage()) : Errors.body(e, e.errorType, e.getMessage());
      shipper.add("stderr", Errors.logText(body));
      shipper.flush();
      api.call("POST", prefix + "/init/error", json.write(body), Map.of("Content-Type", "application/json", "Lambda-Runtime-Function-Error-Type", headerSafe(e.errorType)));
      System.exit(1);
      return;
    }
    // What the class printed while loading belongs to the init phase and arrives before the first START.
    out.flushPartial();
    err.flushPartial();
    shipper.flush();
    if (Env.SCF) api.call("POST", "/runtime/init/ready", " ".getBytes(StandardCharsets.UTF_8), null);
    RuntimeApi.Reply next = api.call("GET", prefix + "/invocation/next", null, null);
    String cdsArchive = System.getenv("FAASBOX_JAVA_CDS_TRAIN");
    while (true) {
      Invocation invocation = new Invocation(next);
      shipper.currentRequestId = invocation.requestId;
      boolean ok;
      byte[] body;
      try {
        body = handler.invoke(invocation, Env.SCF ? null : new LambdaContext(invocation, logger), Env.SCF ? new ScfContext(invocation) : null);
        ok = true;
      } catch (Throwable error) {
        Map<String, Object> errorBody = Errors.body(error);
        shipper.add("stderr", Errors.logText(errorBody));
        body = json.write(errorBody);
        ok = false;
      }
      out.flushPartial();
      err.flushPartial();
      shipper.currentRequestId = null;
      // After the first invocation, off its path: the archive for the next cold starts.
      if (cdsArchive != null && !cdsArchive.isEmpty()) {
        CdsTraining.startInBackground(cdsArchive);
        cdsArchive = null;
      }
      shipper.flush();
      Map<String, String> headers = new HashMap<>();
      headers.put("Content-Type", "application/json");
      headers.put("X-Faasbox-Memory-Kb", String.valueOf(MemoryPeak.kilobytes()));
      if (!ok) headers.put("Lambda-Runtime-Function-Error-Type", headerSafe(errorType(body, json)));
      // Posts the result and takes the next invocation in one exchange (Faasbox's own endpoint, as the other shims).
      next = api.call("POST", "/faasbox/v1/invocation/" + invocation.requestId + "/" + (ok ? "response" : "error") + "/next", body, headers);
      // Anything but an invocation (the emulator refusing the post) must not run as an event.
      while (next.status != 200) next = api.call("GET", prefix + "/invocation/next", null, null);
    }
  }

  private static String errorType(byte[] body, Json json) throws Exception {
    Object type = ((Map<?, ?>) json.read(body, Map.class)).get("errorType");
    return type == null ? "Unhandled" : type.toString();
  }

  /** HTTP header values are Latin-1 without control characters; other characters are %-escaped. */
  private static String headerSafe(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c == '\t' || (c >= ' ' && c <= '~') || (c >= 0xa0 && c <= 0xff)) out.append(c);
      else for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) out.append(String.format("%%%02X", b));
    }
    return out.toString();
  }

  /**
   * Jackson, in a class loader of its own beside the function's: the shim folder's json.jar and
   * lib/*.jar (Debian's Jackson jars, copied there by the build).
   */
  static Json loadJson() throws Exception {
    Path shim = Paths.get(Bootstrap.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    List<URL> urls = new ArrayList<>();
    urls.add(shim.resolve("faasbox-json.jar").toUri().toURL());
    for (File jar : jars(shim.resolve("lib").toFile())) urls.add(jar.toURI().toURL());
    ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), Bootstrap.class.getClassLoader());
    return (Json) Class.forName("faasbox.runtime.json.JacksonJson", true, loader).getConstructor().newInstance();
  }

  /**
   * The function's code: the artefact the emulator chose (FAASBOX_JAVA_ARTIFACT, a jar a Maven or
   * Gradle build made), else the code folder with classes at its root and jars under lib/, as
   * Lambda lays out a deployment package (https://docs.aws.amazon.com/lambda/latest/dg/java-package.html).
   */
  // Unnamed, so stack frames read as Java prints them without a loader prefix ("function//...").
  static ClassLoader codeLoader() throws IOException {
    File root = new File(Env.TASK_ROOT);
    List<URL> urls = new ArrayList<>();
    String artifact = System.getenv("FAASBOX_JAVA_ARTIFACT");
    if (artifact != null && !artifact.isEmpty()) {
      urls.add(new File(root, artifact).toURI().toURL());
    } else {
      urls.add(root.toURI().toURL());
      for (File jar : jars(new File(root, "lib"))) urls.add(jar.toURI().toURL());
    }
    return new URLClassLoader(urls.toArray(new URL[0]), Bootstrap.class.getClassLoader());
  }

  private static List<File> jars(File dir) {
    File[] found = dir.listFiles((d, name) -> name.endsWith(".jar"));
    if (found == null) return List.of();
    Arrays.sort(found);
    return Arrays.asList(found);
  }

}
