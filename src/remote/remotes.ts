/**
 * The config's remote servers and what their probes last found. Each is checked at once, then
 * `health.intervalMs` after its previous check ended, so checks of one remote never overlap; `update`
 * (a reload) starts, stops or replaces the probes of the remotes it added, removed or changed.
 * Timers rather than an actor: a remote has no lifecycle for orch to drive, only readings, and nothing
 * here can throw into the actor system (a check never throws, and a listener's error is contained).
 */
import type { RemoteServer } from '../config/load.js';
import type { ProtocolInfo } from '../machines/server.types.js';
import { createRemoteProbe, type ProbeResult, type RemoteProbe } from './probe.js';

export interface RemoteReading {
  /** null until the first check ends; an unavailable remote is never checked. */
  reachable: boolean | null;
  /** The last good check's round trip; null while unreachable, as a stopped server has no ping. */
  lastPingMs: number | null;
  /** The last failed check's reason; kept after the remote recovers, as a server's is. */
  lastError: string | null;
  checkedAt: number | null;
  /** What the remote said of itself in its last good `initialize`. */
  protocol: ProtocolInfo | null;
}

export interface RemoteChange {
  server: string;
  change: 'added' | 'removed' | 'updated';
}

export interface RemotesDeps {
  /** The first reading, and every change of reachability: a line for the daemon's log. */
  changed?(server: string, reading: RemoteReading): void;
  probe?(remote: RemoteServer): RemoteProbe;
  now?(): number;
}

interface Watched {
  remote: RemoteServer;
  probe: RemoteProbe;
  reading: RemoteReading;
  timer?: NodeJS.Timeout;
  /** The check under way, so that stopping can wait for it before ending the probe's session. */
  checking?: Promise<void>;
  stopped: boolean;
}

const UNKNOWN: RemoteReading = { reachable: null, lastPingMs: null, lastError: null, checkedAt: null, protocol: null };

export class Remotes {
  private watched = new Map<string, Watched>();
  private readonly now: () => number;

  constructor(private readonly deps: RemotesDeps = {}) {
    this.now = deps.now ?? Date.now;
  }

  /** Makes the config's remotes the probed ones, in its order; a remote whose entry or policy changed starts afresh. */
  update(remotes: RemoteServer[]): RemoteChange[] {
    const changes: RemoteChange[] = [];
    const next = new Map<string, Watched>();
    for (const remote of remotes) {
      const old = this.watched.get(remote.name);
      if (old && JSON.stringify(old.remote) === JSON.stringify(remote)) {
        next.set(remote.name, old);
        continue;
      }
      if (old) void this.stop(old);
      changes.push({ server: remote.name, change: old ? 'updated' : 'added' });
      next.set(remote.name, this.watch(remote));
    }
    for (const [name, old] of this.watched) {
      if (next.has(name)) continue;
      void this.stop(old);
      changes.push({ server: name, change: 'removed' });
    }
    this.watched = next;
    return changes;
  }

  list(): RemoteServer[] {
    return [...this.watched.values()].map((watched) => watched.remote);
  }

  find(name: string): RemoteServer | undefined {
    return this.watched.get(name)?.remote;
  }

  reading(name: string): RemoteReading {
    return this.watched.get(name)?.reading ?? UNKNOWN;
  }

  /** Stops every probe and ends their sessions; each is bounded by its remote's health timeout. */
  async close(): Promise<void> {
    const all = [...this.watched.values()];
    this.watched = new Map();
    await Promise.all(all.map((watched) => this.stop(watched)));
  }

  private watch(remote: RemoteServer): Watched {
    const watched: Watched = { remote, probe: (this.deps.probe ?? createRemoteProbe)(remote), reading: UNKNOWN, stopped: false };
    if (remote.unavailable === undefined) this.check(watched);
    return watched;
  }

  private check(watched: Watched): void {
    watched.checking = (async () => {
      let result: ProbeResult;
      try {
        result = await watched.probe.check();
      } catch (error) {
        result = { ok: false, error: `the probe failed: ${String(error)}` };
      }
      if (watched.stopped) return;
      this.record(watched, result);
      watched.timer = setTimeout(() => this.check(watched), watched.remote.policy.health.intervalMs);
      // Probing alone does not keep a process alive: the daemon's server does.
      watched.timer.unref();
    })();
  }

  private record(watched: Watched, result: ProbeResult): void {
    const before = watched.reading;
    const checkedAt = this.now();
    watched.reading = result.ok
      ? { ...before, reachable: true, lastPingMs: result.latencyMs, checkedAt, protocol: result.protocol }
      : { ...before, reachable: false, lastPingMs: null, lastError: result.error, checkedAt };
    if (before.reachable === watched.reading.reachable) return;
    try {
      this.deps.changed?.(watched.remote.name, watched.reading);
    } catch {
      // A log line that cannot be written must not stop the probing.
    }
  }

  private async stop(watched: Watched): Promise<void> {
    watched.stopped = true;
    clearTimeout(watched.timer);
    await watched.checking;
    await watched.probe.close();
  }
}
