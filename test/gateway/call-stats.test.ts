/** CallStats with a fake clock: the last-hour window, quantiles on known data, rates, bounds, and forget. */
import { describe, expect, it } from 'vitest';
import { CallStats, DURATION_BUCKETS_SECONDS, MAX_SERIES, OVERFLOW } from '../../src/gateway/call-stats.js';
import type { CallOutcome, CallRecord } from '../../src/gateway/types.js';

const MINUTE = 60_000;
// A minute boundary well after 1970, so nothing depends on the clock starting at 0.
const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

function setup() {
  let now = T0;
  const stats = new CallStats(() => now);
  const call = (tool: string | null, durationMs = 10, outcome: CallOutcome = 'ok', server = 'memory'): void =>
    stats.record({ server, method: tool === null ? 'tools/list' : 'tools/call', tool, outcome, durationMs } satisfies CallRecord);
  return { stats, call, at: (ms: number) => (now = T0 + ms) };
}

/** Within the sketch's resolution: 4 bins per octave put a bin's middle within 9 % of what fell in it. */
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(0.1);

describe('CallStats', () => {
  it('summarises the last hour per method and tool, most called first, counting every outcome but ok as an error', () => {
    const { stats, call } = setup();
    call('read_graph');
    for (const outcome of ['ok', 'tool_error', 'timeout', 'jsonrpc:-32602'] as const) call('search_nodes', 10, outcome);
    call(null);
    call(null);
    const rows = stats.summary('memory');
    expect(rows.map((r) => [r.method, r.tool, r.calls, r.errors])).toEqual([
      ['tools/call', 'search_nodes', 4, 3],
      ['tools/list', null, 2, 0],
      ['tools/call', 'read_graph', 1, 0],
    ]);
    expect(stats.summary('files')).toEqual([]);
  });

  it('keeps a call for an hour (this minute and the 59 before), then drops it', () => {
    const { stats, call, at } = setup();
    at(30_000);
    call('read_graph');
    at(59 * MINUTE + 59_999);
    expect(stats.summary('memory')[0]?.calls).toBe(1);
    at(60 * MINUTE);
    expect(stats.summary('memory')).toEqual([]);
    // The counters for /metrics are since the daemon started: they never expire.
    expect(stats.series('memory')[0]?.count).toBe(1);
  });

  it('a minute slot reused an hour later starts from zero', () => {
    const { stats, call, at } = setup();
    for (let i = 0; i < 5; i++) call('read_graph', 1_000, 'timeout');
    at(60 * MINUTE + 1);
    call('read_graph', 2);
    expect(stats.summary('memory')[0]).toMatchObject({ calls: 1, errors: 0 });
    near(stats.summary('memory')[0]!.p99Ms, 2);
  });

  it('p50 and p99 are the nearest-rank quantiles, within the sketch resolution', () => {
    const { stats, call, at } = setup();
    // 1..100 ms, spread over the hour.
    for (let ms = 1; ms <= 100; ms++) {
      at((ms % 60) * MINUTE);
      call('read_graph', ms);
    }
    at(59 * MINUTE);
    const [row] = stats.summary('memory');
    near(row!.p50Ms, 50);
    near(row!.p99Ms, 99);

    const skewed = setup();
    for (let i = 0; i < 980; i++) skewed.call('search_nodes', 12);
    for (let i = 0; i < 20; i++) skewed.call('search_nodes', 2_500);
    near(skewed.stats.summary('memory')[0]!.p50Ms, 12);
    near(skewed.stats.summary('memory')[0]!.p99Ms, 2_500);
  });

  it('durations past the sketch ends still land somewhere sensible', () => {
    const { stats, call } = setup();
    call('fast', 0.001);
    call('broken', Number.NaN);
    call('slow', 86_400_000);
    const rows = new Map(stats.summary('memory').map((r) => [r.tool, r]));
    expect(rows.get('fast')!.p50Ms).toBeLessThan(0.1);
    expect(rows.get('broken')!.p50Ms).toBeLessThan(0.1);
    expect(rows.get('slow')!.p50Ms).toBeGreaterThan(300_000);
    expect(stats.series('memory').find((s) => s.tool === 'broken')!.sumMs).toBe(0);
  });

  it('calls per minute average the last 5 minutes, the oldest one prorated, per tool and per server', () => {
    const { stats, call, at } = setup();
    // 10 calls in each minute 0..9.
    for (let minute = 0; minute < 10; minute++) {
      at(minute * MINUTE);
      for (let i = 0; i < 10; i++) call(i % 2 ? 'a' : 'b');
    }
    at(9 * MINUTE + 30_000);
    // Minutes 5..9 whole and half of minute 4: 55 calls over 5 minutes.
    expect(stats.callsPerMinute('memory')).toBe(11);
    expect(stats.summary('memory').map((r) => r.perMinute)).toEqual([5.5, 5.5]);
    at(20 * MINUTE);
    expect(stats.callsPerMinute('memory')).toBe(0);
    expect(stats.summary('memory').map((r) => r.calls)).toEqual([50, 50]);
    expect(stats.callsPerMinute('nobody')).toBe(0);
  });

  it('counts outcomes and a cumulative-ready histogram for /metrics', () => {
    const { stats, call } = setup();
    call('read_graph', 0.5);
    call('read_graph', 7, 'tool_error');
    call('read_graph', 400_000, 'timeout');
    const [series] = stats.series('memory');
    expect(series).toMatchObject({ method: 'tools/call', tool: 'read_graph', count: 3, sumMs: 400_007.5 });
    expect([...series!.outcomes]).toEqual([['ok', 1], ['tool_error', 1], ['timeout', 1]]);
    const buckets = Array.from(series!.buckets);
    expect(buckets).toHaveLength(DURATION_BUCKETS_SECONDS.length + 1);
    expect(buckets[0]).toBe(1); // 0.5 ms ≤ 1 ms
    expect(buckets[DURATION_BUCKETS_SECONDS.indexOf(0.01)]).toBe(1); // 7 ms ≤ 10 ms
    expect(buckets.at(-1)).toBe(1); // over 300 s
  });

  it('stays bounded: a client spraying tool names fills the cap, then one overflow row', () => {
    const { stats, call } = setup();
    for (let i = 0; i < 10_000; i++) call(`tool-${i}`);
    const series = stats.series('memory');
    expect(series).toHaveLength(MAX_SERIES + 1);
    const overflow = series.find((s) => s.method === OVERFLOW.method);
    expect(overflow?.count).toBe(10_000 - MAX_SERIES);
    expect(stats.summary('memory')[0]).toMatchObject({ method: '(other)', tool: null, calls: 10_000 - MAX_SERIES });
  });

  it('stays bounded over time: a busy pair keeps one series however many calls and hours go by', () => {
    const { stats, call, at } = setup();
    for (let i = 0; i < 300_000; i++) {
      at(i * 100); // 10 calls a second for 8 h 20 min
      call('read_graph', i % 50, i % 100 === 0 ? 'timeout' : 'ok');
    }
    expect(stats.series('memory')).toHaveLength(1);
    const [row] = stats.summary('memory');
    // The current minute so far and 59 whole ones: 36,000 calls of the 300,000, 1 % of them errors.
    expect(row).toMatchObject({ calls: 36_000, errors: 360 });
    expect(stats.series('memory')[0]!.count).toBe(300_000);
  });

  it('caps the distinct outcomes of a pair', () => {
    const { stats, call } = setup();
    for (let code = 0; code < 100; code++) call('x', 1, `jsonrpc:${-32000 - code}`);
    const outcomes = stats.series('memory')[0]!.outcomes;
    expect(outcomes.size).toBe(33);
    expect(outcomes.get('other')).toBe(68);
  });

  it('forgets a removed server', () => {
    const { stats, call } = setup();
    call('read_graph');
    call('read_graph', 1, 'ok', 'files');
    stats.forget('memory');
    expect(stats.summary('memory')).toEqual([]);
    expect(stats.series('memory')).toEqual([]);
    expect(stats.callsPerMinute('memory')).toBe(0);
    expect(stats.summary('files')).toHaveLength(1);
  });
});
