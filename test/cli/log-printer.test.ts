import { describe, expect, it } from 'vitest';
import { linePrinter } from '../../src/cli/log-printer.js';
import type { LogLine } from '../../src/logs/server-logs.js';

const line: LogLine = { time: Date.parse('2026-11-25T12:00:00.000Z'), server: 'fs', stream: 'orch', text: 'spawned node' };

function printed(options: Parameters<typeof linePrinter>[0]): string {
  let out = '';
  linePrinter(options, (text) => (out += text))(line);
  return out;
}

describe('linePrinter', () => {
  it('prints a line as the file has it for one server, after a padded name for several', () => {
    expect(printed({ json: false, prefixed: false, names: ['fs'], color: false })).toBe('2026-11-25T12:00:00.000Z [orch] spawned node\n');
    expect(printed({ json: false, prefixed: true, names: ['memory', 'fs'], color: false })).toBe(
      'fs     | 2026-11-25T12:00:00.000Z [orch] spawned node\n',
    );
  });

  it('colours the prefix only when asked', () => {
    // consola's colours are off when NO_COLOR is set; either way the name and the text are there.
    expect(printed({ json: false, prefixed: true, names: ['fs'], color: true })).toMatch(/fs \|.* 2026-11-25T12:00:00.000Z \[orch\] spawned node\n$/);
  });

  it('prints one JSON object a line', () => {
    expect(JSON.parse(printed({ json: true, prefixed: true, names: ['fs'], color: false }))).toEqual({
      time: '2026-11-25T12:00:00.000Z',
      server: 'fs',
      stream: 'orch',
      text: 'spawned node',
    });
  });
});
