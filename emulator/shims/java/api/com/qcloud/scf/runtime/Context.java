package com.qcloud.scf.runtime;

/**
 * SCF's Java context. https://tencentcloud.com/zh/document/product/583/12214 names the type
 * (com.qcloud.scf.runtime.Context, in the scf-java-core jar it links to) but lists no methods;
 * these are the ones that jar's Context declares as commonly used in SCF's Java examples. A
 * function that packs scf-java-core gets this copy, with the same names and signatures.
 */
public interface Context {
  String getRequestId();
  int getTimeLimitInMs();
  int getMemoryLimitInMb();
}
