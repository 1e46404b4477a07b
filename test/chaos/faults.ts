/**
 * The faults and their schedule. Every step draws the same count of random numbers whatever happens,
 * so a seed replays the same schedule: the same kinds, targets and delays. A fault whose target is
 * not in a state to receive it (a server not running, the daemon busy restarting) is skipped and
 * counted as such; skipping draws nothing more.
 *
 * The injector also keeps the model the end state is checked against: what the user last asked of
 * each server through the CLI (`running`, `stopped`, or `either` when one batch asked both at once).
 */
import type { Disk } from './disk.js';
import {
  Api,
  cliComplaint,
  FLEET,
  isServerProcess,
  oneLine,
  runCli,
  scanDaemons,
  signal,
  sleep,
  until,
  type CliRun,
} from './fleet.js';
import type { Random } from './random.js';
import type { StatusPoller, Violation } from './watchers.js';

export const FAULT_KINDS = ['kill9', 'sigstop', 'cli', 'diskFill', 'daemonKill'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type Wanted = 'running' | 'stopped' | 'either';

const WEIGHTS: Record<FaultKind, number> = { kill9: 4, sigstop: 3, cli: 3, diskFill: 1, daemonKill: 1 };
const DRAWS_PER_STEP = 14;
/** A server is only killed or stopped this long after it started, well past minUptimeMs: the fault is never a crash loop of our making. */
const SETTLED_UPTIME_MS = 1_200;
const CLI_TIMEOUT_MS = 45_000;
/** Long enough for any stop or start of this fleet to settle, short of the CLI's own 30 s wait. */
const CONFLICT_TIMEOUT_MS = 8_000;
const VERBS = ['restart', 'stop', 'start', 'status', 'restart', 'start'] as const;
const SIGNALLED = FLEET.filter((role) => !role.crashLoop);

export interface InjectorOptions {
  rng: Random;
  env: NodeJS.ProcessEnv;
  configPath: string;
  home: string;
  owner: string;
  api: Api;
  disk: Disk;
  poller: StatusPoller;
  /** Every daemon pid of this run, for the process watch. */
  daemonPids: Set<number>;
  journal: (line: string) => void;
}

export class FaultInjector {
  readonly done = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  readonly skipped = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  readonly wanted = new Map<string, Wanted>(FLEET.map((role) => [role.name, 'running']));
  readonly violations: Violation[] = [];
  cliRuns = 0;
  /** Daemon kills that found the disk full. */
  killsOnFullDisk = 0;
  slowest: CliRun | undefined;
  private readonly background = new Set<Promise<void>>();
  private readonly stopped = new Map<number, { server: string; timer: NodeJS.Timeout }>();
  private cliBusy = false;
  private daemonBusy = false;
  private wake: () => void = () => {};
  private readonly quiet = new Promise<void>((resolve) => (this.wake = resolve));

  constructor(private readonly o: InjectorOptions) {}

  async run(durationMs: number): Promise<void> {
    const started = Date.now();
    const deadline = started + durationMs;
    while (Date.now() < deadline) {
      const r = Array.from({ length: DRAWS_PER_STEP }, () => this.o.rng.next());
      await sleep(150 + Math.floor(r[0]! * 750));
      if (Date.now() >= deadline) break;
      let kind = this.o.rng.weighted(WEIGHTS);
      // Each run, however short, has a full disk and a daemon kill when it can.
      const elapsed = (Date.now() - started) / durationMs;
      if (elapsed > 0.2 && this.done.diskFill === 0 && !this.o.disk.skipped && !this.daemonBusy) kind = 'diskFill';
      else if (elapsed > 0.45 && this.done.daemonKill === 0 && !this.cliBusy) kind = 'daemonKill';
      const ran = await this.inject(kind, r);
      if (ran) this.done[kind]++;
      else this.skipped[kind]++;
    }
  }

  /** Ends every fault still in effect (stopped processes, a full disk) and waits for those under way. */
  async quiesce(): Promise<void> {
    this.wake();
    for (const [pid, { server, timer }] of this.stopped) {
      clearTimeout(timer);
      if (isServerProcess(pid, this.o.owner, server)) signal(pid, 'SIGCONT');
    }
    this.stopped.clear();
    while (this.background.size > 0) await Promise.all(this.background);
    await this.o.disk.free();
  }

  private inject(kind: FaultKind, r: number[]): Promise<boolean> {
    // Signals go to servers that run for a while; crash loops get their faults from the CLI.
    const target = SIGNALLED[Math.floor(r[1]! * SIGNALLED.length)]!.name;
    switch (kind) {
      case 'kill9':
        return this.signalServer(target, 'SIGKILL');
      case 'sigstop':
        return this.signalServer(target, 'SIGSTOP', 300 + Math.floor(r[2]! * 3_000));
      case 'cli':
        return Promise.resolve(this.cliBatch(r));
      case 'diskFill':
        return Promise.resolve(this.diskFill(1_000 + Math.floor(r[2]! * 4_000)));
      case 'daemonKill':
        return Promise.resolve(this.daemonKill(1 + Math.floor(r[2]! * 3)));
    }
  }

  private async signalServer(server: string, name: 'SIGKILL' | 'SIGSTOP', holdMs = 0): Promise<boolean> {
    if (this.daemonBusy) return false;
    const status = await this.o.api.servers().then(
      (all) => all.find((s) => s.name === server),
      () => undefined,
    );
    const pid = status?.pid;
    if (!status || status.state !== 'running' || !pid || (status.uptimeMs ?? 0) < SETTLED_UPTIME_MS) return false;
    if (this.stopped.has(pid) || !isServerProcess(pid, this.o.owner, server) || !signal(pid, name)) return false;
    this.o.journal(`${name} ${server} (pid ${pid})${name === 'SIGSTOP' ? `, SIGCONT after ${holdMs} ms unless orch restarted it` : ''}`);
    if (name === 'SIGSTOP') {
      const timer = setTimeout(() => {
        this.stopped.delete(pid);
        if (isServerProcess(pid, this.o.owner, server)) signal(pid, 'SIGCONT');
      }, holdMs);
      this.stopped.set(pid, { server, timer });
    }
    return true;
  }

  /** Two to five commands at once, on random servers; the model learns what was asked. */
  private cliBatch(r: number[]): boolean {
    if (this.cliBusy || this.daemonBusy) return false;
    const count = 2 + Math.floor(r[2]! * 4);
    const commands = Array.from({ length: count }, (_, i) => {
      const verb = VERBS[Math.floor(r[3 + 2 * i]! * VERBS.length)]!;
      const server = FLEET[Math.floor(r[4 + 2 * i]! * FLEET.length)]!.name;
      return verb === 'status' ? ['status'] : [verb, server];
    });
    const asked = new Map<string, Set<string>>();
    for (const [verb, server] of commands) if (server) asked.set(server, (asked.get(server) ?? new Set()).add(verb!));
    for (const [server, verbs] of asked) {
      this.wanted.set(server, verbs.has('stop') ? (verbs.size > 1 ? 'either' : 'stopped') : 'running');
    }
    this.o.journal(`cli at once: ${commands.map((c) => `orch ${c.join(' ')}`).join(' & ')}`);
    // `stop X` beside `restart X`: whichever the daemon took second wins, and the other waits its full 30 s for a state that never comes.
    const conflicted = (server: string | undefined) => server !== undefined && this.wanted.get(server) === 'either';
    this.cliBusy = true;
    this.track(
      Promise.all(commands.map((args) => runCli(args, this.o.env, conflicted(args[1]) ? CONFLICT_TIMEOUT_MS : CLI_TIMEOUT_MS)))
        .then((runs) => {
          this.o.journal(`cli done: ${runs.map((run) => `orch ${run.args.join(' ')} → ${run.timedOut ? 'gave up waiting' : run.code} in ${run.endedAt - run.startedAt} ms`).join(', ')}`);
          runs.filter((run) => !(run.timedOut && conflicted(run.args[1]))).forEach((run) => this.judgeCli(run));
        })
        .finally(() => (this.cliBusy = false)),
    );
    return true;
  }

  private diskFill(holdMs: number): boolean {
    if (this.o.disk.skipped || this.o.disk.full || this.daemonBusy) return false;
    this.track(
      (async () => {
        const bytes = await this.o.disk.fill();
        this.o.journal(`disk full (${(bytes / 2 ** 20).toFixed(1)} MiB of zeros), freed in ${holdMs} ms`);
        await Promise.race([sleep(holdMs), this.quiet]);
        await this.o.disk.free();
        this.o.journal('disk freed');
      })(),
    );
    return true;
  }

  /**
   * kill -9 the daemon, then `orch start` from `launchers` terminals at once: one daemon must win and
   * reap what the old one left. On a full disk, a first `orch start` must fail in one line (or
   * succeed); the launchers follow once the disk is freed, and the winner must find the old servers
   * by their marker, as groups.json may be stale.
   */
  private daemonKill(launchers: number): boolean {
    if (this.daemonBusy || this.cliBusy) return false;
    this.daemonBusy = true;
    this.track(this.killAndRelaunch(launchers).finally(() => (this.daemonBusy = false)));
    return true;
  }

  private async killAndRelaunch(launchers: number): Promise<void> {
    const { api, poller, journal, disk } = this.o;
    const onFullDisk = disk.full;
    if (onFullDisk) {
      this.killsOnFullDisk++;
      // state.json may miss the last commands; a second launcher's "start all" makes the outcome known.
      launchers = Math.max(2, launchers);
    } else {
      // The new daemon starts what state.json says: it must have caught up with the CLI since the disk was freed.
      const stateWritten = await until(async () => {
        const health = await api.health().catch(() => undefined);
        return health !== undefined && !health.storage.some((p) => /(state|groups)\.json$/.test(p.path));
      }, 5_000);
      if (!stateWritten) this.violate('state.json or groups.json still unwritten 5 s after the disk was freed');
    }
    const old = api.daemonPid();
    if (old === undefined) return this.violate('no daemon.json to find the daemon to kill');
    poller.downFrom();
    signal(old, 'SIGKILL');
    journal(`kill -9 the daemon (pid ${old})${onFullDisk ? ' on a full disk' : ''}, then ${launchers} × orch start at once`);
    await until(() => !scanDaemons(this.o.home).includes(old), 5_000, 20);
    if (onFullDisk && disk.full) {
      const early = await runCli(['start', '--config', this.o.configPath], this.o.env, CLI_TIMEOUT_MS);
      const lines = early.output.trim().split('\n');
      journal(`orch start on the full disk → ${early.code}: ${oneLine(early.output, 200)}`);
      if (early.code === 1 && !(await api.answers())) {
        if (lines.length !== 1 || cliComplaint(early)) this.violate(`orch start on a full disk should fail in one line: ${oneLine(early.output)}`);
      } else this.judgeCli(early, true);
      await until(() => !disk.full, 30_000);
    }
    const runs = await Promise.all(
      Array.from({ length: launchers }, () => runCli(['start', '--config', this.o.configPath], this.o.env, CLI_TIMEOUT_MS)),
    );
    const answered = await until(() => api.answers(), 10_000);
    poller.upAt();
    for (const run of runs) this.judgeCli(run, true);
    if (!answered) return this.violate(`no daemon answers after ${launchers} × orch start`);
    // Losers of the launch race exit at once; exactly one daemon is left.
    const single = await until(() => scanDaemons(this.o.home).length === 1, 5_000);
    const daemons = scanDaemons(this.o.home);
    if (!single) this.violate(`${daemons.length} daemons of this home after ${launchers} × orch start (pids ${daemons.join(', ')})`);
    const pid = api.daemonPid();
    if (pid !== undefined) this.o.daemonPids.add(pid);
    journal(`daemon ${pid} answers`);
    // A second `orch start` finds the first one's daemon and starts every server, as `orch start` with no name does.
    if (launchers > 1) for (const role of FLEET) this.wanted.set(role.name, 'running');
  }

  judgeCli(run: CliRun, launching = false): void {
    this.cliRuns++;
    if (!this.slowest || run.endedAt - run.startedAt > this.slowest.endedAt - this.slowest.startedAt) this.slowest = run;
    const complaint = cliComplaint(run);
    if (complaint) return this.violate(complaint);
    if (run.code === 0 || run.args[0] === 'stop' || run.args[0] === 'status') return;
    // A start or restart may fail only for a server that gives up by design, or one stopped by a command beside it.
    const failure = run.output.split('\n').find((line) => /did not (re)?start/.test(line)) ?? '';
    const wrong = FLEET.filter((role) => {
      const state = new RegExp(`\\b${role.name} \\((\\w+)`).exec(failure)?.[1];
      if (state === undefined || role.crashLoop) return false;
      // Never given up on; and a server that changes state by itself may miss the CLI's 30 s wait for `running`.
      return state === 'crashed' || (!role.moving && (launching || this.wanted.get(role.name) === 'running'));
    });
    if (!failure || wrong.length > 0) this.violate(`\`orch ${run.args.join(' ')}\` exited ${run.code}: ${oneLine(run.output)}`);
  }

  private violate(what: string): void {
    this.o.journal(`VIOLATION ${what}`);
    this.violations.push({ time: Date.now(), what });
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => this.violate(`the suite itself failed: ${String(error)}`),
    );
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
