package faasbox.runtime;

import com.qcloud.scf.runtime.Context;

/** SCF's context for one invocation (https://tencentcloud.com/zh/document/product/583/12214). */
final class ScfContext implements Context {
  private final Invocation invocation;

  ScfContext(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override public String getRequestId() { return invocation.requestId; }
  @Override public int getTimeLimitInMs() { return invocation.timeLimitMs; }
  @Override public int getMemoryLimitInMb() { return Env.MEMORY_MB; }
}
