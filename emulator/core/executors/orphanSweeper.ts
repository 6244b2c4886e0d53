import type Docker from "dockerode";
import { LABELS } from "../docker/labels";
import { isAlive } from "../../util/isAlive";

// Grace plus interval: a crashed emulator's containers are gone within a minute while any emulator runs on the engine.
/** A stopped container older than this is an orphan: its own emulator removes it as soon as it stops. */
export const DEFAULT_REAP_GRACE_MS = 30_000;
export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;
/** States in which a container's lease may still be held: never removed for another session. */
const LIVE_STATES = new Set(["running", "paused", "restarting", "removing"]);

export interface OrphanSweeperOptions {
  /** How long a stopped Faasbox container may stay before any emulator removes it (default 30 s). */
  reapGraceMs?: number;
  /** How often a running emulator looks for such containers (default 30 s; 0: only at start). */
  sweepIntervalMs?: number;
}

/** What the sweeper asks of its owner on every periodic sweep: retry its own removals that ran out of time. */
export interface StrandedRemovals {
  retryStranded(): void;
}

/** Finds and removes the containers dead emulators left on the engine, at start and periodically. */
export class OrphanSweeper {
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(
    private readonly docker: Docker,
    private readonly options: OrphanSweeperOptions,
    private readonly stranded: StrandedRemovals,
  ) {}

  /** Reaps every `sweepIntervalMs` from now on, until stop(); the timer never keeps the process alive. */
  start(): void {
    const every = this.options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (every > 0 && !this.sweeper) {
      this.sweeper = setInterval(() => {
        this.stranded.retryStranded();
        void this.reapOrphans().catch(() => undefined);
      }, every);
      this.sweeper.unref();
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /**
   * Removes what dead emulators left, whichever session they belong to: a Faasbox container
   * that is not running (created, exited, dead) and whose last change of state is older than
   * the grace period. A live emulator removes its own containers as soon as they stop, so an
   * old stopped one has no owner any more; its lease ran out. A running container is never
   * removed for its session: by construction its owner still holds its lease. The one
   * exception is a running container of a Faasbox from before sessions (no session label, no
   * lease), removed as those versions did when its emulator's PID is dead, and only on a local
   * unix-socket engine, where that PID can mean something.
   */
  async reapOrphans(graceMs = this.options.reapGraceMs ?? DEFAULT_REAP_GRACE_MS): Promise<number> {
    // One sweep at a time: a slow engine must not pile them up.
    this.sweeping ??= this.sweep(graceMs).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweep(graceMs: number): Promise<number> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } });
    const orphans: string[] = [];
    let now: number | undefined;
    for (const info of containers) {
      if (LIVE_STATES.has(info.State)) {
        if (this.isLegacyOrphan(info)) orphans.push(info.Id);
        continue;
      }
      // The engine's clock, not ours: a remote engine's may differ by more than the grace.
      now ??= await this.engineNow();
      const changed = await this.lastStateChange(info);
      if (changed !== undefined && now - changed >= graceMs) orphans.push(info.Id);
    }
    await Promise.all(orphans.map((id) => this.docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined)));
    return orphans.length;
  }

  private isLegacyOrphan(info: Docker.ContainerInfo): boolean {
    if (info.State !== "running" || info.Labels[LABELS.session] !== undefined || !this.localEngine()) return false;
    const pid = Number(info.Labels[LABELS.emulator]?.split("-")[0]);
    return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
  }

  /** A unix socket not pointed elsewhere by DOCKER_HOST (tcp, ssh): the engine shares our PIDs, or at least our host. */
  private localEngine(): boolean {
    const host = process.env.DOCKER_HOST;
    return Boolean((this.docker.modem as { socketPath?: unknown }).socketPath) && (!host || host.startsWith("unix://"));
  }

  /** When the container last started or stopped (or was created), in the engine's ms; undefined when gone. */
  private async lastStateChange(info: Docker.ContainerInfo): Promise<number | undefined> {
    const details = await this.docker.getContainer(info.Id).inspect().catch(() => undefined);
    if (!details) return undefined;
    const times = [details.Created, details.State.StartedAt, details.State.FinishedAt].map((t) => Date.parse(t)).filter((t) => t > 0);
    return Math.max(info.Created * 1000, ...times);
  }

  private async engineNow(): Promise<number> {
    const info = (await this.docker.info().catch(() => undefined)) as { SystemTime?: string } | undefined;
    const time = info?.SystemTime ? Date.parse(info.SystemTime) : NaN;
    return Number.isNaN(time) ? Date.now() : time;
  }
}
