import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/machines/backoff.js';

const policy = { backoffMs: 1_000, maxBackoffMs: 30_000, jitter: 0.2 };

describe('backoffDelay', () => {
  it('restarts at once the first time, then doubles from backoffMs up to the cap', () => {
    const exact = { ...policy, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, exact))).toEqual([
      0, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('spreads each delay by at most ±jitter', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(3_200);
    expect(backoffDelay(3, policy, () => 1)).toBe(4_800);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(4_000);
    expect(backoffDelay(0, policy, () => 1)).toBe(0);
  });
});
