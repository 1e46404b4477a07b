/** `--since`: a time ago (`90s`, `10m`, `2h`, `1d`) or a date (`2026-11-25T10:00`), as ms since the epoch. */
import { OrchError } from '../errors.js';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseSince(value: string, now = Date.now()): number {
  const ago = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(value.trim());
  if (ago) return now - Number(ago[1]) * UNIT_MS[ago[2]!]!;
  // A date alone would be read as UTC midnight; with a time it is local, as a user means it.
  const time = /^\d{4}-\d\d-\d\d$/.test(value) ? Date.parse(`${value}T00:00`) : Date.parse(value);
  if (Number.isNaN(time)) throw new OrchError('USAGE', `--since: expected a time ago (30s, 10m, 2h, 1d) or a date, got "${value}"`);
  return time;
}
