package faasbox.runtime.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import faasbox.runtime.Json;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * POJO <-> JSON as Lambda's Java runtime maps them. The developer guide says only that JSON
 * properties must match the camel-case Java property names
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-custom-serialization.html); the rest (case-
 * insensitive names, unknown properties ignored, nulls left out of output, comments allowed)
 * follows aws-lambda-java-serialization's JacksonFactory, not a documented rule. SCF's Java page
 * (https://tencentcloud.com/zh/document/product/583/12214) asks for mutable POJOs with public
 * getters and setters and says nothing more: the same mapper serves it.
 */
public final class JacksonJson implements Json {
  private final ObjectMapper mapper = JsonMapper.builder()
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .enable(JsonParser.Feature.ALLOW_COMMENTS)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  @Override
  public Object read(byte[] json, Type type) throws Exception {
    return mapper.readValue(json, mapper.getTypeFactory().constructType(type));
  }

  @Override
  public byte[] write(Object value) throws Exception {
    return mapper.writeValueAsBytes(value);
  }

  /**
   * Jackson's first read and write of a type introspect it and build its (de)serialiser, which the
   * mapper then keeps: done here, during init, so the first invocation does not pay for it.
   * readerFor/writerFor build them without constructing a value, so no code of the function runs.
   */
  @Override
  public void prepare(Type eventType, Type resultType) throws Exception {
    read("{\"warm\":[1,\"two\",true,null,{\"x\":1.5}]}".getBytes(StandardCharsets.UTF_8), Map.class);
    write(Map.of("warm", List.of(1, "two", true)));
    if (eventType != null) mapper.readerFor(mapper.getTypeFactory().constructType(eventType));
    if (resultType != null) mapper.writerFor(mapper.getTypeFactory().constructType(resultType));
  }
}
