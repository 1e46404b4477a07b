import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyLogFiles, rotatedPaths } from '../../src/logs/flush.js';
import { ServerLogs } from '../../src/logs/server-logs.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('emptyLogFiles', () => {
  it('truncates the file, removes its rotations, and minds no missing file', () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-flush-'));
    const path = join(dir, 'memory.log');
    expect(rotatedPaths(path, 3)).toEqual([path, `${path}.1`, `${path}.2`]);
    for (const file of rotatedPaths(path)) writeFileSync(file, 'old\n');
    emptyLogFiles(path);
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(rotatedPaths(path).slice(1).some((file) => existsSync(file))).toBe(false);
    expect(() => emptyLogFiles(join(dir, 'never.log'))).not.toThrow();
  });
});

describe('ServerLogs.flush', () => {
  it('empties memory and file, and the next line starts the file again from the top', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-flush-'));
    const logs = new ServerLogs({ dir });
    const path = logs.filePath('memory')!;
    logs.append('memory', 'stderr', 'before');
    logs.append('other', 'stderr', 'kept');
    await vi.waitFor(() => expect(readFileSync(path, 'utf8')).toContain('before'));

    await logs.flush('memory');
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(logs.tail('memory')).toEqual([]);
    expect(logs.tail('other')).toHaveLength(1);

    logs.append('memory', 'stderr', 'after');
    await vi.waitFor(() => expect(readFileSync(path, 'utf8')).toMatch(/^\S+Z after\n$/));
    await logs.close();
  });
});

describe('ServerLogs.flush racing writes and other flushes', () => {
  it('lines that arrive while overlapping flushes run reach the file once the last one is done', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-flush-'));
    const logs = new ServerLogs({ dir });
    const path = logs.filePath('memory')!;
    logs.append('memory', 'stderr', 'old');
    await vi.waitFor(() => expect(readFileSync(path, 'utf8')).toContain('old'));
    const first = logs.flush('memory');
    logs.append('memory', 'stderr', 'during first');
    const second = logs.flush('memory');
    logs.append('memory', 'stderr', 'during both');
    await first;
    logs.append('memory', 'stderr', 'during second');
    await second;
    await vi.waitFor(() => expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(3));
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('old');
    expect(text.indexOf('during first')).toBeLessThan(text.indexOf('during both'));
    expect(text.indexOf('during both')).toBeLessThan(text.indexOf('during second'));
    await logs.close();
  });
});
