import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/logs/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest items up to its capacity, oldest first', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.size).toBe(3);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.toArray(2)).toEqual([4, 5]);
    expect(ring.toArray(10)).toEqual([3, 4, 5]);
  });

  it('works before it is full and refuses a nonsense capacity', () => {
    const ring = new RingBuffer<string>(4);
    ring.push('a');
    expect(ring.toArray()).toEqual(['a']);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
