package faasbox.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The method a handler string names, and how to call it. Both clouds write `package.Class::method`
 * (Lambda: https://docs.aws.amazon.com/lambda/latest/dg/java-handler.html; SCF:
 * https://tencentcloud.com/zh/document/product/583/12214); Lambda also takes `package.Class` for a
 * class implementing RequestHandler or RequestStreamHandler. The method takes the event (a POJO, a
 * Map, a String, a Java basic type, or an InputStream and an OutputStream) and optionally the
 * context, in that order.
 */
final class Handler {
  static final String LAMBDA_CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
  static final String SCF_CONTEXT = "com.qcloud.scf.runtime.Context";

  /** The class and method of a handler string; method is null for `package.Class`. */
  static final class Name {
    final String className;
    final String methodName;

    Name(String className, String methodName) {
      this.className = className;
      this.methodName = methodName;
    }

    static Name parse(String handler) throws InitError {
      String text = handler == null ? "" : handler.trim();
      int at = text.indexOf("::");
      String cls = at < 0 ? text : text.substring(0, at);
      String method = at < 0 ? null : text.substring(at + 2);
      if (cls.isEmpty() || (method != null && method.isEmpty())) {
        throw new InitError("Runtime.MalformedHandlerName", "Bad handler '" + text + "': expected package.Class::method or package.Class", null);
      }
      return new Name(cls, method);
    }
  }

  private final Object instance;
  private final Method method;
  private final Json json;

  private Handler(Object instance, Method method, Json json) {
    this.instance = instance;
    this.method = method;
    this.json = json;
  }

  static Handler load(String handlerString, ClassLoader loader, Json json) throws InitError {
    Name name = Name.parse(handlerString);
    Class<?> cls;
    try {
      cls = Class.forName(name.className, true, loader);
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      throw new InitError(e.getClass().getName(), "Class not found: " + name.className, e);
    } catch (ExceptionInInitializerError e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new InitError(cause.getClass().getName(), "Error loading class " + name.className + ": " + cause, cause);
    }
    Method method = findMethod(cls, name);
    Object instance = null;
    if (!Modifier.isStatic(method.getModifiers())) {
      try {
        instance = cls.getConstructor().newInstance();
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        throw new InitError(cause.getClass().getName(), "An exception was thrown by the constructor of " + cls.getName() + ": " + cause, cause);
      } catch (ReflectiveOperationException e) {
        throw new InitError(e.getClass().getName(), "Class " + cls.getName() + " needs a public constructor without parameters to be a handler", e);
      }
    }
    method.setAccessible(true);
    return new Handler(instance, method, json);
  }

  private static Method findMethod(Class<?> cls, Name name) throws InitError {
    String wanted = name.methodName;
    if (wanted == null) {
      if (!implementsNamed(cls, "com.amazonaws.services.lambda.runtime.RequestHandler") && !implementsNamed(cls, "com.amazonaws.services.lambda.runtime.RequestStreamHandler")) {
        throw new InitError("java.lang.NoSuchMethodException", "Class " + cls.getName() + " does not implement RequestHandler or RequestStreamHandler; name the method as " + cls.getName() + "::method", null);
      }
      wanted = "handleRequest";
    }
    List<Method> candidates = new ArrayList<>();
    for (Method m : cls.getMethods()) if (m.getName().equals(wanted) && !m.isBridge() && usable(m)) candidates.add(m);
    if (candidates.isEmpty()) {
      throw new InitError("java.lang.NoSuchMethodException", "No public method named " + wanted + " with appropriate method signature found on class " + cls.getName(), null);
    }
    // The fullest signature wins (event and context over event alone); among equals, a concrete
    // event type over Object (a generic interface's erased twin).
    candidates.sort(Comparator.comparingInt((Method m) -> -m.getParameterCount()).thenComparing(m -> m.getParameterCount() > 0 && m.getParameterTypes()[0] == Object.class));
    return candidates.get(0);
  }

  private static boolean implementsNamed(Class<?> cls, String interfaceName) {
    for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) if (i.getName().equals(interfaceName) || implementsNamed(i, interfaceName)) return true;
    }
    return false;
  }

  /** At most one event parameter, any context, or an InputStream and an OutputStream. */
  private static boolean usable(Method m) {
    int events = 0;
    for (Class<?> p : m.getParameterTypes()) {
      if (isContext(p) || p == OutputStream.class) continue;
      events++;
    }
    return events <= 1 && m.getParameterCount() <= 3;
  }

  private static boolean isContext(Class<?> type) {
    return type.getName().equals(LAMBDA_CONTEXT) || type.getName().equals(SCF_CONTEXT);
  }

  /**
   * During init: JSON made ready for this handler's event and result types, so the first invocation
   * is as quick as the next. Best effort: what fails here fails again, and is reported, when invoked.
   */
  void prepareJson() {
    Type event = null;
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      if (!isContext(types[i]) && types[i] != InputStream.class && types[i] != OutputStream.class) event = method.getGenericParameterTypes()[i];
    }
    Type result = method.getReturnType() == void.class ? null : method.getGenericReturnType();
    try {
      json.prepare(event, result);
    } catch (Throwable ignored) {
      // Reported by the invocation that meets it.
    }
  }

  String describe() {
    return method.getDeclaringClass().getName() + "::" + method.getName();
  }

  /** Calls the handler with one event; the response's bytes, or the handler's exception. */
  byte[] invoke(Invocation invocation, Object lambdaContext, Object scfContext) throws Throwable {
    Class<?>[] types = method.getParameterTypes();
    Type[] generic = method.getGenericParameterTypes();
    Object[] args = new Object[types.length];
    ByteArrayOutputStream output = null;
    for (int i = 0; i < types.length; i++) {
      String typeName = types[i].getName();
      if (typeName.equals(LAMBDA_CONTEXT)) args[i] = lambdaContext;
      else if (typeName.equals(SCF_CONTEXT)) args[i] = scfContext;
      else if (types[i] == InputStream.class) args[i] = new ByteArrayInputStream(invocation.payload);
      else if (types[i] == OutputStream.class) args[i] = output = new ByteArrayOutputStream();
      else args[i] = readEvent(invocation.payload, generic[i]);
    }
    Object result;
    try {
      result = method.invoke(instance, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (output != null) return output.toByteArray();
    if (method.getReturnType() == void.class) return "null".getBytes(StandardCharsets.UTF_8);
    try {
      return json.write(result);
    } catch (Exception e) {
      throw new SerializationError("An error occurred during JSON serialization of response", e);
    }
  }

  private Object readEvent(byte[] payload, Type type) throws SerializationError {
    try {
      return json.read(payload.length == 0 ? "null".getBytes(StandardCharsets.UTF_8) : payload, type);
    } catch (Exception e) {
      // Lambda's Java runtime reports an event that does not fit the handler's type under this
      // message (aws-lambda-java-runtime-interface-client; the developer guide is silent).
      throw new SerializationError("An error occurred during JSON parsing", e);
    }
  }

  /** An event or a response that JSON cannot map; reported as java.lang.RuntimeException. */
  static final class SerializationError extends RuntimeException {
    SerializationError(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
