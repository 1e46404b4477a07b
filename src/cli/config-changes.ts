/** The lines `orch reload` and `orch start --config OTHER` print from what `POST /api/reload` answers. */
import { colors } from 'consola/utils';
import { CHANGE_MARK, type ReloadChange } from '../machines/membership.js';

const PAINT: Record<ReloadChange['change'], (text: string) => string> = {
  added: colors.green,
  removed: colors.red,
  restarted: colors.yellow,
  updated: colors.cyan,
  started: colors.green,
  stopped: colors.gray,
};

/** `heading: nothing changed`, or the heading and one line a server: `+ fs  added (started)`. */
export function formatChanges(heading: string, changes: ReloadChange[], color = true): string {
  if (changes.length === 0) return `${heading}: nothing changed\n`;
  const width = Math.max(...changes.map((c) => c.server.length));
  const lines = changes.map(({ server, change, detail }) => {
    // A kind of change this CLI does not know yet is still printed, plainly.
    const line = `${CHANGE_MARK[change] ?? '·'} ${server.padEnd(width)}  ${change}${detail ? ` (${detail})` : ''}`;
    return color && PAINT[change] ? PAINT[change](line) : line;
  });
  return `${[`${heading}:`, ...lines].join('\n')}\n`;
}
