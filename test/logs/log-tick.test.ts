import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogTick } from '../../src/logs/log-tick.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LogTick', () => {
  it('runs every job due at the next tick together, each once however often it was asked for', () => {
    const tick = new LogTick(250);
    const done: string[] = [];
    const a = () => done.push('a');
    const b = () => done.push('b');
    tick.schedule(a);
    vi.advanceTimersByTime(100);
    tick.schedule(b);
    tick.schedule(a);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(149);
    expect(done).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(done).toEqual(['a', 'b']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps no timer while nothing waits, and starts one for what is asked during a run', () => {
    const tick = new LogTick(250);
    const done: number[] = [];
    const again = () => {
      done.push(done.length);
      if (done.length === 1) tick.schedule(again);
    };
    tick.schedule(again);
    vi.advanceTimersByTime(250);
    expect(done).toEqual([0]);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(250);
    expect(done).toEqual([0, 1]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
