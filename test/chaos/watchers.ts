/**
 * What is watched throughout the run, not only at its end: the process table (never two processes of
 * one server) and the CLI (`orch status` answering every ~500 ms), with the daemon's RSS and storage
 * problems read from `/api/health` alongside.
 */
import { Api, cliComplaint, runCli, scanDaemons, scanMarked, sleep, type CliRun, type MarkedProcess } from './fleet.js';

const SCAN_EVERY_MS = 200;
const POLL_EVERY_MS = 500;
/** "Answers within a few seconds": a status call slower than this is a failure even when it succeeds. */
export const STATUS_ANSWER_MS = 5_000;

export interface Violation {
  time: number;
  what: string;
}

/**
 * Samples `/proc` for two processes of one server (two copies of its script, or two group leaders
 * under a daemon), and for marked processes left with no daemon outside a deliberate daemon kill.
 */
export class ProcessWatch {
  readonly violations: Violation[] = [];
  samples = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly owner: string,
    private readonly home: string,
    private readonly daemonPids: () => ReadonlySet<number>,
    /** The daemon was killed on purpose and its successor has not answered yet. */
    private readonly deliberatelyDown: () => boolean,
    private readonly onViolation: (what: string) => void = () => {},
  ) {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  /** One look at the table; also used once more at the end of the run. */
  check(): void {
    this.samples++;
    const daemons = this.daemonPids();
    const byServer = new Map<string, { mains: MarkedProcess[]; leaders: MarkedProcess[] }>();
    const marked = scanMarked(this.owner);
    if (marked.length > 0 && !this.deliberatelyDown() && scanDaemons(this.home).length === 0 && !this.deliberatelyDown()) {
      this.record(`${marked.length} marked processes with no daemon of this home alive (pids ${marked.map((p) => p.pid).join(', ')})`);
    }
    for (const p of marked) {
      const entry = byServer.get(p.server) ?? { mains: [], leaders: [] };
      byServer.set(p.server, entry);
      if (p.main) entry.mains.push(p);
      if (p.pid === p.pgid && daemons.has(p.ppid)) entry.leaders.push(p);
    }
    const show = (ps: MarkedProcess[]) => ps.map((p) => `${p.pid} (parent ${p.ppid}, group ${p.pgid}, ${p.state})`).join(', ');
    for (const [server, { mains, leaders }] of byServer) {
      if (mains.length > 1) this.record(`${server}: ${mains.length} server processes at once: ${show(mains)}`);
      if (leaders.length > 1) this.record(`${server}: ${leaders.length} group leaders under a daemon at once: ${show(leaders)}`);
    }
  }

  private record(what: string): void {
    // One line per distinct finding: the same duplicate seen on ten samples is one violation.
    if (this.violations.some((v) => v.what === what)) return;
    this.violations.push({ time: Date.now(), what });
    this.onViolation(what);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.check();
      await sleep(SCAN_EVERY_MS);
    }
  }
}

/** `[from, to]` spans when the daemon was deliberately down: a status call overlapping one may fail. */
export type Window = { from: number; to: number };

export class StatusPoller {
  readonly runs: CliRun[] = [];
  readonly violations: Violation[] = [];
  excused = 0;
  maxRssBytes = 0;
  rssSamples = 0;
  private readonly windows: Window[] = [];
  private openWindow: Window | undefined;
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly api: Api,
  ) {
    this.done = this.loop();
  }

  /** The daemon is about to be killed on purpose. */
  downFrom(time = Date.now()): void {
    this.openWindow = { from: time, to: Infinity };
    this.windows.push(this.openWindow);
  }

  isDown(): boolean {
    return this.openWindow !== undefined;
  }

  /** A new daemon answers again. */
  upAt(time = Date.now()): void {
    if (this.openWindow) this.openWindow.to = time;
    this.openWindow = undefined;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    for (const run of this.runs) this.judge(run);
  }

  private judge(run: CliRun): void {
    const overlapsKill = this.windows.some((w) => run.startedAt <= w.to && run.endedAt >= w.from);
    const complaint =
      run.code === 0 && !run.timedOut
        ? run.endedAt - run.startedAt > STATUS_ANSWER_MS
          ? `\`orch status --json\` took ${run.endedAt - run.startedAt} ms`
          : undefined
        : (cliComplaint(run, [0]) ?? `\`orch status --json\` failed`);
    if (!complaint) return;
    if (overlapsKill) this.excused++;
    else this.violations.push({ time: run.startedAt, what: complaint });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      this.runs.push(await runCli(['status', '--json'], this.env, 10_000));
      try {
        const { rssBytes } = await this.api.health();
        this.rssSamples++;
        this.maxRssBytes = Math.max(this.maxRssBytes, rssBytes);
      } catch {
        // Down (killed on purpose, or not): the status call above is what is judged.
      }
      await sleep(Math.max(0, started + POLL_EVERY_MS - Date.now()));
    }
  }
}
