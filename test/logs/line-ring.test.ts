import { describe, expect, it } from 'vitest';
import { LineRing } from '../../src/logs/line-ring.js';

describe('LineRing', () => {
  it('keeps the newest lines up to its capacity, oldest first, as lines of its server', () => {
    const ring = new LineRing('memory', 3);
    for (let i = 1; i <= 5; i++) ring.push(1_000 + i, i === 5 ? 'orch' : 'stderr', `line ${i}`);
    expect(ring.size).toBe(3);
    expect(ring.toArray()).toEqual([
      { time: 1_003, server: 'memory', stream: 'stderr', text: 'line 3' },
      { time: 1_004, server: 'memory', stream: 'stderr', text: 'line 4' },
      { time: 1_005, server: 'memory', stream: 'orch', text: 'line 5' },
    ]);
    expect(ring.toArray(1).map((line) => line.text)).toEqual(['line 5']);
    expect(ring.toArray(10)).toHaveLength(3);
    expect(ring.toArray(0)).toEqual([]);
  });

  it('works before it is full and refuses a nonsense capacity', () => {
    const ring = new LineRing('fs', 4);
    expect(ring.toArray()).toEqual([]);
    ring.push(7, 'stdout', 'noise');
    expect(ring.toArray()).toEqual([{ time: 7, server: 'fs', stream: 'stdout', text: 'noise' }]);
    ring.push(8, 'stderr', 'a');
    ring.push(9, 'stderr', 'b');
    ring.push(10, 'stderr', 'c');
    ring.push(11, 'stderr', 'd');
    expect(ring.toArray().map((line) => line.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(() => new LineRing('fs', 0)).toThrow(RangeError);
    expect(() => new LineRing('fs', 1.5)).toThrow(RangeError);
  });
});
