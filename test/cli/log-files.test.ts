import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linesBackward, parseLogLine, readLogTail, serversWithLogs } from '../../src/cli/log-files.js';
import { logFileName } from '../../src/logs/file-name.js';
import { formatLogLine, type LogLine } from '../../src/logs/server-logs.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const folder = () => (dir = mkdtempSync(join(tmpdir(), 'orch-log-files-')));

const line = (time: number, text: string, stream: LogLine['stream'] = 'stderr'): LogLine => ({ time, server: 'memory', stream, text });

describe('linesBackward', () => {
  it('yields every line newest first across chunk boundaries, multi-byte characters whole', () => {
    const path = join(folder(), 'a.log');
    const lines = Array.from({ length: 5_000 }, (_, i) => `line ${i} ${'é'.repeat(i % 40)}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    expect([...linesBackward(path)]).toEqual(lines.reverse());
  });

  it('reads a last line without a newline, and nothing from a missing file', () => {
    const path = join(folder(), 'a.log');
    writeFileSync(path, 'one\ntwo');
    expect([...linesBackward(path)]).toEqual(['two', 'one']);
    expect([...linesBackward(join(dir, 'missing.log'))]).toEqual([]);
  });
});

describe('parseLogLine', () => {
  it('reads back what formatLogLine writes, stream tags included', () => {
    for (const written of [line(1_700_000_000_123, 'plain'), line(5, 'spawned x', 'orch'), line(6, '[x] noise', 'stdout')]) {
      expect(parseLogLine('memory', formatLogLine(written).slice(0, -1), 0)).toEqual(written);
    }
  });

  it('keeps a line it cannot read as stderr text at the time it is given', () => {
    expect(parseLogLine('memory', 'half a li', 42)).toEqual(line(42, 'half a li'));
  });
});

describe('readLogTail', () => {
  const write = (name: string, lines: LogLine[]) => writeFileSync(join(dir, name), lines.map(formatLogLine).join(''));

  it('takes the newest lines across rotations, oldest first', () => {
    folder();
    const file = logFileName('memory');
    write(`${file}.2`, [line(1_000, 'a'), line(2_000, 'b')]);
    write(`${file}.1`, [line(3_000, 'c')]);
    write(file, [line(4_000, 'd'), line(5_000, 'e')]);
    expect(readLogTail(dir, 'memory', { limit: 4 }).map((l) => l.text)).toEqual(['b', 'c', 'd', 'e']);
    expect(readLogTail(dir, 'memory', { limit: 50 }).map((l) => l.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(readLogTail(dir, 'memory', { limit: 50, since: 3_000 }).map((l) => l.text)).toEqual(['c', 'd', 'e']);
    expect(readLogTail(dir, 'memory', { limit: 0 })).toEqual([]);
    expect(readLogTail(dir, 'other', { limit: 5 })).toEqual([]);
  });
});

describe('serversWithLogs', () => {
  it('reads server names back from file names, and skips rotations and cut names', () => {
    folder();
    for (const name of ['memory', 'a/b', 'x'.repeat(300)]) writeFileSync(join(dir, logFileName(name)), '');
    writeFileSync(join(dir, `${logFileName('memory')}.1`), '');
    expect(serversWithLogs(dir)).toEqual(['a/b', 'memory']);
    expect(serversWithLogs(join(dir, 'missing'))).toEqual([]);
  });
});
