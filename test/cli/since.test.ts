import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/since.js';

describe('parseSince', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('reads a time ago in s, m, h and d', () => {
    expect(parseSince('30s', now)).toBe(now - 30_000);
    expect(parseSince('10m', now)).toBe(now - 600_000);
    expect(parseSince('1.5h', now)).toBe(now - 5_400_000);
    expect(parseSince('2d', now)).toBe(now - 172_800_000);
  });

  it('reads a date, a bare day as local midnight', () => {
    expect(parseSince('2026-11-25T10:00:00Z', now)).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(parseSince('2026-11-25', now)).toBe(new Date(2026, 10, 25).getTime());
  });

  it('refuses anything else as a usage error', () => {
    expect(() => parseSince('yesterday', now)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('--since') }));
  });
});
