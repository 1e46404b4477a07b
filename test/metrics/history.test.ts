/** The per-server history ring: fixed size, oldest first, nulls for pings not yet answered. */
import { describe, expect, it } from 'vitest';
import { ResourceHistory } from '../../src/metrics/history.js';

describe('ResourceHistory', () => {
  it('keeps the last `capacity` points per server, oldest first', () => {
    const history = new ResourceHistory(3);
    for (let i = 1; i <= 5; i += 1) history.record('a', i * 1_000, { cpuPercent: i, memoryBytes: i * 100 }, i === 5 ? null : i / 10);
    expect(history.series('a')).toEqual({
      at: [3_000, 4_000, 5_000],
      cpuPercent: [3, 4, 5],
      memoryBytes: [300, 400, 500],
      pingMs: [0.3, 0.4, null],
    });
    expect(history.series('a', 1).at).toEqual([5_000]);
    expect(history.series('unknown')).toEqual({ at: [], cpuPercent: [], memoryBytes: [], pingMs: [] });
  });

  it('keeps times to a tenth of a second, and figures as 32-bit floats', () => {
    const history = new ResourceHistory(10);
    const start = Date.UTC(2026, 10, 25, 10, 0, 0, 17);
    history.record('a', start, { cpuPercent: 12.34, memoryBytes: 1_234_567_890 }, 1.5);
    history.record('a', start + 2_049, { cpuPercent: 0, memoryBytes: 0 }, null);
    history.record('a', start - 5_000, { cpuPercent: 0, memoryBytes: 0 }, null);
    const series = history.series('a');
    expect(series.at).toEqual([start, start + 2_000, start - 5_000]);
    expect(series.cpuPercent[0]).toBe(12.3);
    expect(series.memoryBytes[0]).toBeCloseTo(1_234_567_890, -3);
  });

  it('states its size: 16 bytes a point', () => {
    expect(ResourceHistory.bytesPerServer(1_800)).toBe(28_800);
  });
});
