package faasbox.runtime;

import java.lang.reflect.Type;

/**
 * JSON as the runtime needs it. Implemented with Jackson in a class loader of its own
 * (see Bootstrap.loadJson), so the function never sees Faasbox's Jackson, and a Jackson of the
 * function's own does not replace it.
 */
public interface Json {
  Object read(byte[] json, Type type) throws Exception;

  byte[] write(Object value) throws Exception;

  /** Builds what reading `eventType` and writing `resultType` take (null: none), creating no value of them. */
  void prepare(Type eventType, Type resultType) throws Exception;
}
