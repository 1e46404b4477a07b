/**
 * What became of the calls the gateway forwarded, per server: all-time Prometheus counters and a
 * duration histogram, and a last-hour window (calls, errors, p50/p99, rate) per method and tool for
 * the API and the dashboard.
 *
 * `record()` runs on every proxied call, so it allocates nothing once a (method, tool) pair has been
 * seen: nested Maps instead of a joined key string, typed arrays, no sorting. The window is a ring
 * of 60 one-minute slots, each with a fixed log-scale latency sketch, so its size does not depend on
 * the call rate (about 22 KB per pair, made on its first call); quantiles are read from the merged
 * sketches when someone asks. Clients choose method and tool names, so the pairs kept per server are
 * capped too: at most ~6 MB for a server whose clients spray names.
 */
import type { CallOutcome, CallRecord } from './types.js';

/** Prometheus bucket bounds, seconds: from an answer out of orch's own handshake to the default request timeout. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];

const MINUTE_MS = 60_000;
const WINDOW_MINUTES = 60;
/** `perMinute` is the average over the last 5 minutes: recent enough to follow a burst, long enough not to flicker. */
const RATE_MINUTES = 5;
/** Distinct (method, tool) pairs per server; further pairs are counted together as OVERFLOW (one more). */
export const MAX_SERIES = 256;
/** JSON-RPC error codes come from the backend; past this many per pair they count as `other`. */
const MAX_OUTCOMES = 32;
export const OVERFLOW = { method: '(other)', tool: null } as const;

// The sketch: 4 bins per octave from 0.1 ms to ~7 min, so a bin's geometric middle is within 9 % of
// any duration in it. Bin 0 holds what is faster, the last bin what is slower.
const SKETCH_FLOOR_MS = 0.1;
const BINS_PER_OCTAVE = 4;
const SKETCH_BINS = 90;

function sketchBin(ms: number): number {
  if (ms < SKETCH_FLOOR_MS) return 0;
  return Math.min(SKETCH_BINS - 1, 1 + Math.floor(Math.log2(ms / SKETCH_FLOOR_MS) * BINS_PER_OCTAVE));
}

function binMiddleMs(bin: number): number {
  if (bin === 0) return SKETCH_FLOOR_MS / 2;
  return SKETCH_FLOOR_MS * 2 ** ((bin - 0.5) / BINS_PER_OCTAVE);
}

/** Never negative, so a clock before 1970 (a test's) still lands in the ring. */
const slotOf = (minute: number) => ((minute % WINDOW_MINUTES) + WINDOW_MINUTES) % WINDOW_MINUTES;

/** What `/metrics` exports of one (server, method, tool). */
export interface CallSeries {
  readonly method: string;
  readonly tool: string | null;
  /** Calls per outcome since the daemon started. */
  readonly outcomes: ReadonlyMap<string, number>;
  /** Per bound of DURATION_BUCKETS_SECONDS, then the rest (+Inf); not cumulative. */
  readonly buckets: ArrayLike<number>;
  readonly sumMs: number;
  readonly count: number;
}

/** The last hour of one method (and tool, for `tools/call`), as the API and the dashboard show it. */
export interface CallSummary {
  method: string;
  tool: string | null;
  calls: number;
  /** Calls whose outcome was anything but `ok`. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** The recent rate, as callsPerMinute: so the rates of a server's rows add up to its own. */
  perMinute: number;
}

class Series implements CallSeries {
  readonly outcomes = new Map<string, number>();
  readonly buckets = new Float64Array(DURATION_BUCKETS_SECONDS.length + 1);
  sumMs = 0;
  count = 0;
  /** Which minute each slot of the ring holds; -Infinity for none yet. */
  readonly minutes = new Float64Array(WINDOW_MINUTES).fill(-Infinity);
  readonly calls = new Uint32Array(WINDOW_MINUTES);
  readonly errors = new Uint32Array(WINDOW_MINUTES);
  readonly sketch = new Uint32Array(WINDOW_MINUTES * SKETCH_BINS);

  constructor(
    readonly method: string,
    readonly tool: string | null,
  ) {}

  add(outcome: CallOutcome, durationMs: number, minute: number): void {
    // NaN and negative durations (a clock step) count as instant rather than poisoning the sum.
    const ms = durationMs > 0 ? durationMs : 0;
    const known = this.outcomes.get(outcome);
    if (known !== undefined) this.outcomes.set(outcome, known + 1);
    else if (this.outcomes.size < MAX_OUTCOMES) this.outcomes.set(outcome, 1);
    else this.outcomes.set('other', (this.outcomes.get('other') ?? 0) + 1);

    const seconds = ms / 1_000;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS_SECONDS.length && seconds > DURATION_BUCKETS_SECONDS[bucket]!) bucket++;
    this.buckets[bucket]! += 1;
    this.sumMs += ms;
    this.count += 1;

    const slot = slotOf(minute);
    if (this.minutes[slot] !== minute) {
      this.minutes[slot] = minute;
      this.calls[slot] = 0;
      this.errors[slot] = 0;
      this.sketch.fill(0, slot * SKETCH_BINS, (slot + 1) * SKETCH_BINS);
    }
    this.calls[slot]! += 1;
    if (outcome !== 'ok') this.errors[slot]! += 1;
    this.sketch[slot * SKETCH_BINS + sketchBin(ms)]! += 1;
  }

  /** Calls over the last RATE_MINUTES: the current minute so far, the whole ones before, and the share of the oldest still inside. */
  rate(minute: number, fraction: number): number {
    let calls = 0;
    for (let back = 0; back <= RATE_MINUTES; back++) {
      const slot = slotOf(minute - back);
      if (this.minutes[slot] !== minute - back) continue;
      calls += back === RATE_MINUTES ? this.calls[slot]! * (1 - fraction) : this.calls[slot]!;
    }
    return calls / RATE_MINUTES;
  }

  /** The current minute and the 59 before it. */
  summary(minute: number, fraction: number): CallSummary | undefined {
    const merged = new Float64Array(SKETCH_BINS);
    let calls = 0;
    let errors = 0;
    for (let slot = 0; slot < WINDOW_MINUTES; slot++) {
      const at = this.minutes[slot]!;
      if (at > minute || at <= minute - WINDOW_MINUTES) continue;
      calls += this.calls[slot]!;
      errors += this.errors[slot]!;
      for (let bin = 0; bin < SKETCH_BINS; bin++) merged[bin]! += this.sketch[slot * SKETCH_BINS + bin]!;
    }
    if (calls === 0) return undefined;
    return {
      method: this.method,
      tool: this.tool,
      calls,
      errors,
      p50Ms: round(quantile(merged, calls, 0.5)),
      p99Ms: round(quantile(merged, calls, 0.99)),
      perMinute: round(this.rate(minute, fraction)),
    };
  }
}

/** The nearest-rank quantile, read as the middle of the sketch bin it falls in. */
function quantile(bins: Float64Array, total: number, q: number): number {
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let bin = 0; bin < bins.length; bin++) {
    seen += bins[bin]!;
    if (seen >= rank) return binMiddleMs(bin);
  }
  return binMiddleMs(bins.length - 1);
}

const round = (value: number) => Math.round(value * 100) / 100;

class ServerCalls {
  /** method → tool (`''` for none) → series. */
  private readonly byMethod = new Map<string, Map<string, Series>>();
  readonly all: Series[] = [];
  private overflow: Series | undefined;

  series(method: string, tool: string | null): Series {
    const found = this.byMethod.get(method)?.get(tool ?? '');
    if (found) return found;
    if (this.all.length < MAX_SERIES) return this.add(method, tool);
    // One pair past the cap: a client that called a method named like it already made it.
    return (this.overflow ??= this.byMethod.get(OVERFLOW.method)?.get('') ?? this.add(OVERFLOW.method, OVERFLOW.tool));
  }

  private add(method: string, tool: string | null): Series {
    let tools = this.byMethod.get(method);
    if (!tools) this.byMethod.set(method, (tools = new Map()));
    const created = new Series(method, tool);
    tools.set(tool ?? '', created);
    this.all.push(created);
    return created;
  }
}

export class CallStats {
  private readonly servers = new Map<string, ServerCalls>();

  constructor(private readonly now: () => number = Date.now) {}

  record(call: CallRecord): void {
    let server = this.servers.get(call.server);
    if (!server) this.servers.set(call.server, (server = new ServerCalls()));
    server.series(call.method, call.tool).add(call.outcome, call.durationMs, Math.floor(this.now() / MINUTE_MS));
  }

  /** Every (method, tool) of a server since the daemon started, for `/metrics`; not copied. */
  series(server: string): readonly CallSeries[] {
    return this.seriesOf(server);
  }

  /** The last hour per method and tool, most called first. */
  summary(server: string): CallSummary[] {
    const { minute, fraction } = this.clock();
    const rows: CallSummary[] = [];
    for (const series of this.seriesOf(server)) {
      const row = series.summary(minute, fraction);
      if (row) rows.push(row);
    }
    return rows.sort((a, b) => b.calls - a.calls);
  }

  /** Calls per minute over the last 5 minutes (a steady sliding window, the oldest minute prorated). */
  callsPerMinute(server: string): number {
    const { minute, fraction } = this.clock();
    let rate = 0;
    for (const series of this.seriesOf(server)) rate += series.rate(minute, fraction);
    return round(rate);
  }

  /** A server that left the config: its figures go with it. */
  forget(server: string): void {
    this.servers.delete(server);
  }

  private seriesOf(server: string): readonly Series[] {
    return this.servers.get(server)?.all ?? [];
  }

  private clock() {
    const now = this.now();
    const minute = Math.floor(now / MINUTE_MS);
    return { minute, fraction: (now - minute * MINUTE_MS) / MINUTE_MS };
  }
}
