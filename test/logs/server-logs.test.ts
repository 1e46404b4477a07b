/** A server's lines: timestamped into its file whole, into the ring and to followers cut, written a tick at a time. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_KEPT_CHARS, ServerLogs, type LogLine } from '../../src/logs/server-logs.js';
import { LOG_TICK_MS } from '../../src/logs/log-tick.js';
import { eventually } from '../support/orchestrator.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-server-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T = Date.parse('2026-11-25T10:00:00.000Z');
const fileText = (logs: ServerLogs, server: string) => {
  const path = logs.filePath(server)!;
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
};

describe('ServerLogs', () => {
  it('writes each line whole with its time and a [stream] tag (none for stderr); the ring and followers get it cut', async () => {
    const times = [T, T, T + 1, T + 1_000];
    const logs = new ServerLogs({ dir, now: () => times.shift() ?? T + 2_000 });
    const followed: LogLine[] = [];
    const stop = logs.subscribe((line) => followed.push(line));
    const long = 'y'.repeat(MAX_KEPT_CHARS + 1_000);
    logs.append('memory', 'stderr', 'hello');
    logs.append('memory', 'stdout', 'noise');
    logs.append('memory', 'orch', 'spawned node server.js (pid 42)');
    logs.append('memory', 'stderr', long);
    stop();
    logs.append('memory', 'stderr', 'after the follower left');
    await logs.close();

    const cut = `${long.slice(0, MAX_KEPT_CHARS)}…`;
    expect(followed).toEqual([
      { time: T, server: 'memory', stream: 'stderr', text: 'hello' },
      { time: T, server: 'memory', stream: 'stdout', text: 'noise' },
      { time: T + 1, server: 'memory', stream: 'orch', text: 'spawned node server.js (pid 42)' },
      { time: T + 1_000, server: 'memory', stream: 'stderr', text: cut },
    ]);
    expect(logs.tail('memory').map((line) => line.text)).toEqual(['hello', 'noise', 'spawned node server.js (pid 42)', cut, 'after the follower left']);
    expect(fileText(logs, 'memory')).toBe(
      [
        '2026-11-25T10:00:00.000Z hello',
        '2026-11-25T10:00:00.000Z [stdout] noise',
        '2026-11-25T10:00:00.001Z [orch] spawned node server.js (pid 42)',
        `2026-11-25T10:00:01.000Z ${long}`,
        '2026-11-25T10:00:02.000Z after the follower left',
        '',
      ].join('\n'),
    );
  });

  it('gives a follower of one server its lines only, and one of every server all of them', () => {
    const logs = new ServerLogs({ now: () => T });
    const ofA: string[] = [];
    const ofAll: string[] = [];
    const stopA = logs.subscribe((line) => ofA.push(`${line.server}:${line.text}`), 'a');
    const stopAll = logs.subscribe((line) => ofAll.push(`${line.server}:${line.text}`));
    logs.append('a', 'stderr', '1');
    logs.append('b', 'stderr', '2');
    stopA();
    logs.append('a', 'stderr', '3');
    stopAll();
    logs.append('a', 'stderr', '4');
    expect(ofA).toEqual(['a:1']);
    expect(ofAll).toEqual(['a:1', 'b:2', 'a:3']);
  });

  it('keeps the last ringSize lines of each server apart', () => {
    const logs = new ServerLogs({ ringSize: 3 });
    for (let i = 1; i <= 5; i++) logs.append('a', 'stderr', `a${i}`);
    logs.append('b', 'stderr', 'b1');
    expect(logs.tail('a').map((line) => line.text)).toEqual(['a3', 'a4', 'a5']);
    expect(logs.tail('a', 1).map((line) => line.text)).toEqual(['a5']);
    expect(logs.tail('b')).toEqual([{ time: expect.any(Number), server: 'b', stream: 'stderr', text: 'b1' }]);
    expect(logs.tail('none')).toEqual([]);
  });

  it('has a line in memory at once, and on disk with the rest of its tick, in one write', async () => {
    const logs = new ServerLogs({ dir });
    logs.append('memory', 'stderr', 'one');
    logs.append('other', 'stderr', 'elsewhere');
    expect(logs.tail('memory')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, LOG_TICK_MS / 2));
    logs.append('memory', 'stderr', 'two');
    expect(fileText(logs, 'memory')).toBe('');
    const seen: string[] = [];
    await eventually(
      () => {
        seen.push(fileText(logs, 'memory'));
        return seen.at(-1)!.includes('two');
      },
      2_000,
      'the tick',
    );
    expect(seen.at(-1)).toMatch(/^\S+Z one\n\S+Z two\n$/);
    // Never the first line alone: both went in the same write.
    expect(seen.filter((text) => text !== '' && !text.includes('two'))).toEqual([]);
    await eventually(() => fileText(logs, 'other') !== '', 2_000, 'the other file');
    expect(fileText(logs, 'other')).toMatch(/^\S+Z elsewhere\n$/);
    await logs.close();
  });
});
