import type Docker from "dockerode";
import { agentArch, type AgentArch } from "../agent/agentBinary";
import { LAUNCH_STEP_TIMEOUT_MS, within } from "./engineCalls";

/**
 * CPU in proportion to memory, as Lambda allocates it: "Lambda allocates CPU power in proportion
 * to the amount of memory configured. ... At 1,769 MB, a function has the equivalent of one vCPU
 * (one vCPU-second of credits per second)" (https://docs.aws.amazon.com/lambda/latest/dg/resource-model.html,
 * "Configure Lambda function memory"). SCF's docs give no CPU figure for a memory size (its quotas,
 * https://cloud.tencent.com/document/product/583/11637, list memory only): SCF functions get the same share.
 */
const MB_PER_VCPU = 1769;
/**
 * The least CPU a container gets. Lambda's own share at 128 MB, 0.072 vCPU, made a cold start
 * here 4.6 times (Node) to 5.9 times (Python) slower than with no quota: medians of 742 and
 * 1,004 ms against 162 and 171 ms (five 128 MB cold starts each, start of the container to the
 * first answer, on a 2-CPU host); a 0.125 floor gave 397 and 549 ms, 0.25 gave 235 and 246 ms,
 * 0.5 gave 215 and 226 ms. Those were measured before instances initialised with a full vCPU
 * (INIT_VCPU below); the floor stays so that a small function's invocations, not only its init,
 * run at a speed worth developing against: a function under 443 MB gets more CPU here than in
 * Lambda; from 443 MB up it gets exactly Lambda's share.
 */
const MIN_VCPU = 0.25;

/**
 * The CPU an instance initialises with: "On-demand Lambda functions use a full vCPU (non-throttled)
 * but is limited to 10 seconds during its initialization phase" (an AWS guide,
 * https://serverlessland.com/content/service/lambda/guides/effectively-running-java-on-serverless/init-heavy-lifting;
 * the developer guide is silent). A container is created with it and lowered to its share
 * (cpuShareNanos) once its runtime is ready (DockerExecutor, LaunchedInstance.initDone). SCF's docs
 * say nothing of CPU during initialisation: its functions get the same. A Java cold start at 512 MB
 * took 1.5 s of init at the share alone, against 0.4 s with the burst (this machine, 2 CPUs).
 */
const INIT_VCPU = 1;

/**
 * HostConfig.NanoCpus for a function of `memoryMb`: its share, at least MIN_VCPU, at most the
 * engine's CPUs (Docker refuses a container asking for more CPUs than its host has).
 */
export function cpuShareNanos(memoryMb: number, engineCpus?: number): number {
  const share = Math.max(MIN_VCPU, memoryMb / MB_PER_VCPU);
  return Math.round(Math.min(share, engineCpus ?? Infinity) * 1e9);
}

/** HostConfig.NanoCpus while a function of `memoryMb` initialises: a full vCPU (INIT_VCPU), or its share when larger. */
export function initCpuNanos(memoryMb: number, engineCpus?: number): number {
  return Math.max(cpuShareNanos(memoryMb, engineCpus), Math.round(Math.min(INIT_VCPU, engineCpus ?? Infinity) * 1e9));
}

/** The engine's CPU count (its VM's on Docker Desktop), asked once per engine; undefined when it does not say. */
const engineCpuCounts = new WeakMap<Docker, Promise<number | undefined>>();
export function engineCpus(docker: Docker): Promise<number | undefined> {
  let count = engineCpuCounts.get(docker);
  if (!count) {
    const info = Promise.resolve().then(() => docker.info() as Promise<{ NCPU?: number }>);
    count = within(info, LAUNCH_STEP_TIMEOUT_MS, "docker info").then((answer) => answer.NCPU || undefined, () => undefined);
    engineCpuCounts.set(docker, count);
  }
  return count;
}

/** Docker's name for the engine's architecture (`docker version` Arch) as the agent's, asked once per engine. */
const engineArches = new WeakMap<Docker, Promise<AgentArch>>();
export function engineAgentArch(docker: Docker): Promise<AgentArch> {
  let arch = engineArches.get(docker);
  if (!arch) {
    const version = Promise.resolve().then(() => docker.version() as Promise<{ Arch?: string }>);
    arch = within(version, LAUNCH_STEP_TIMEOUT_MS, "docker version").then((answer) => agentArch(answer.Arch ?? "unknown"));
    // A failed question is asked again next time.
    arch.catch(() => engineArches.delete(docker));
    engineArches.set(docker, arch);
  }
  return arch;
}
