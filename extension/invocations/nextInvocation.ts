import { Notifications, type InvocationSummary } from "../../emulator/protocol";
import type { DaemonConnection } from "../daemon/daemonConnection";

/**
 * The next invocation of `functionName` the emulator reports finished, whoever started it;
 * undefined if none finishes within `withinMs`. Listen before starting what invokes it: the
 * report can arrive before the answer of the request that caused it.
 */
export function nextInvocation(manager: Pick<DaemonConnection, "onNotification">, functionName: string, withinMs: number): { finished: Promise<InvocationSummary | undefined>; cancel(): void } {
  let settle!: (summary: InvocationSummary | undefined) => void;
  const finished = new Promise<InvocationSummary | undefined>((resolve) => (settle = resolve));
  const subscription = manager.onNotification(Notifications.invocationFinished, (summary) => {
    if (summary.function === functionName) done(summary);
  });
  const timer = setTimeout(() => done(undefined), withinMs);
  const done = (summary: InvocationSummary | undefined) => {
    clearTimeout(timer);
    subscription.dispose();
    settle(summary);
  };
  return { finished, cancel: () => done(undefined) };
}
