/** Log files that can neither grow orch's memory nor stop it: drops are counted, and a broken disk heals. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFile, WRITE_NOW_BYTES } from '../../src/storage/log-file.js';
import { LogTick } from '../../src/logs/log-tick.js';
import { fsReason } from '../../src/errors.js';
import { StorageProblems } from '../../src/storage/problems.js';
import { eventually } from '../support/orchestrator.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-logfile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const notice = ({ count, reason }: { count: number; reason: string }) => `-- ${count} dropped: ${reason}\n`;

describe('LogFile', () => {
  it('drops and counts lines while the writer is behind, then says how many it lost', async () => {
    const path = join(dir, 'a.log');
    const resumed: number[] = [];
    const file = new LogFile(path, { notice, maxPendingBytes: 10_000, onResume: ({ count }) => resumed.push(count) });
    const line = `${'x'.repeat(999)}\n`;
    // In one tick nothing reaches the disk: everything past ~10 kB is over the limit.
    for (let i = 0; i < 1_000; i++) file.write(line);
    await new Promise((resolve) => setTimeout(resolve, 100));
    file.write('after\n');
    await file.close();
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const kept = lines.filter((l) => l.startsWith('x')).length;
    expect(kept).toBeGreaterThan(5);
    expect(kept).toBeLessThan(20);
    expect(lines.at(-2)).toBe(`-- ${1_000 - kept} dropped: log writer behind`);
    expect(lines.at(-1)).toBe('after');
    expect(resumed).toEqual([1_000 - kept]);
  });

  it('never throws on a path it cannot write; reports it once, and writes again once it can', async () => {
    const blocker = join(dir, 'home');
    writeFileSync(blocker, '');
    const path = join(blocker, 'logs', 'a.log');
    const events: string[] = [];
    const problems = new StorageProblems({
      failed: (p, error) => events.push(`failed ${p}: ${error}`),
      recovered: (p) => events.push(`recovered ${p}`),
    });
    const file = new LogFile(path, { notice, problems, retryMs: 50 });
    for (let i = 0; i < 10; i++) expect(() => file.write(`line ${i}\n`)).not.toThrow();
    expect(events).toEqual([`failed ${path}: not a directory (ENOTDIR)`]);
    rmSync(blocker);
    await new Promise((resolve) => setTimeout(resolve, 60));
    file.write('back\n');
    await eventually(() => events.length === 2, 2_000, 'the first good write');
    expect(events[1]).toBe(`recovered ${path}`);
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('-- 10 dropped: cannot write the log: ENOTDIR\nback\n');
    expect(problems.list()).toEqual([]);
  });

  it('says what it lost once the disk takes data again, though nothing more is written', async () => {
    const blocker = join(dir, 'home');
    writeFileSync(blocker, '');
    const path = join(blocker, 'logs', 'a.log');
    const problems = new StorageProblems({ failed: () => {}, recovered: () => {} });
    const file = new LogFile(path, { notice, problems, retryMs: 30 });
    for (let i = 0; i < 3; i++) file.write(`line ${i}\n`);
    expect(problems.list().map((problem) => problem.path)).toEqual([path]);
    rmSync(blocker);
    await eventually(() => problems.list().length === 0, 2_000, 'the file written again');
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('-- 3 dropped: cannot write the log: ENOTDIR\n');
  });

  it('given a tick, lines wait for it, but a batch of a pipe read goes to the disk at the end of its turn', async () => {
    const path = join(dir, 'a.log');
    const read = () => (existsSync(path) ? readFileSync(path, 'utf8') : '');
    // Longer than the test: only the size can send these lines.
    const file = new LogFile(path, { notice, tick: new LogTick(5_000) });
    file.write('first\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(read()).toBe('');
    const line = `${'z'.repeat(1_023)}\n`;
    for (let i = 0; i < WRITE_NOW_BYTES / line.length; i++) file.write(line);
    await eventually(() => read().length > WRITE_NOW_BYTES, 2_000, 'the big batch');
    expect(read()).toBe(`first\n${line.repeat(WRITE_NOW_BYTES / line.length)}`);
    file.write('last\n');
    await file.close();
    expect(read().endsWith(`${line}last\n`)).toBe(true);
  });
});

describe('fsReason', () => {
  it('gives the words and the code, without the syscall or the path', () => {
    const error = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC' });
    expect(fsReason(error)).toBe('no space left on device (ENOSPC)');
    const open = Object.assign(new Error("EROFS: read-only file system, open '/x/y.tmp'"), { code: 'EROFS' });
    expect(fsReason(open)).toBe('read-only file system (EROFS)');
  });
});

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';

describe.skipIf(!isRoot)('LogFile on a disk that fills up (a small tmpfs, as root)', () => {
  it('lines are in the file or counted as dropped, and writing resumes once there is room', async () => {
    const mount = join(dir, 'fs');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount]);
    try {
      const filler = join(mount, 'filler');
      writeFileSync(filler, Buffer.alloc(700 * 1024));
      const path = join(mount, 'a.log');
      const file = new LogFile(path, { notice, retryMs: 20 });
      const line = `${'x'.repeat(1019)}\n`;
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 50; i++) file.write(line);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      rmSync(filler);
      await new Promise((resolve) => setTimeout(resolve, 50));
      file.write('after\n');
      await file.close();
      const text = readFileSync(path, 'utf8');
      // A line the full disk cut in half counts as dropped, not written.
      const written = text.split('\n').filter((l) => l === 'x'.repeat(1019)).length;
      const dropped = [...text.matchAll(/^-- (\d+) dropped: /gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(dropped).toBeGreaterThan(0);
      // Every line is either whole in the file or counted: a short write ends the count exactly.
      expect(written + dropped).toBe(500);
      expect(text.endsWith('after\n')).toBe(true);
    } finally {
      execFileSync('umount', ['-l', mount]);
    }
  });
});
