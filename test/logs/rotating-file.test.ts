/** Log files rotated by size stay private: the live file and every rotated copy are 0600, an old 0644 file included. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSize, RotatingFile } from '../../src/logs/rotating-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-rotate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;
const line = (char: string) => Buffer.from(`${char.repeat(1_099)}\n`);

describe('RotatingFile', () => {
  it('tightens an existing 0644 file and keeps every rotated file 0600', () => {
    const path = join(dir, 'server.log');
    writeFileSync(path, 'written by an older orch\n', { mode: 0o644 });
    const file = new RotatingFile(path, { size: '1K', files: 3 });
    expect(modeOf(path)).toBe(0o600);
    for (const char of ['a', 'b', 'c']) expect(file.write(line(char))).toBe(1_100);
    file.close();

    const files = readdirSync(dir).sort();
    expect(files).toEqual(['server.log', 'server.log.1', 'server.log.2']);
    for (const name of files) expect(modeOf(join(dir, name)), name).toBe(0o600);
  });

  it('rotates a file once it has reached its size, counting what it held when opened, and keeps files-1 old ones', () => {
    const path = join(dir, 'server.log');
    writeFileSync(path, 'x'.repeat(1_024));
    const file = new RotatingFile(path, { size: '2K', files: 2 });
    file.write(line('a'));
    file.write(line('b'));
    file.write(line('c'));
    file.write(line('d'));
    file.close();
    expect(readdirSync(dir).sort()).toEqual(['server.log', 'server.log.1']);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${line('b')}${line('c')}`);
    expect(readFileSync(path, 'utf8')).toBe(`${line('d')}`);
  });

  it('reads sizes in bytes, KiB, MiB, GiB, and refuses anything else', () => {
    expect(parseSize('4096B')).toBe(4_096);
    expect(parseSize('1K')).toBe(1_024);
    expect(parseSize('10M')).toBe(10 * 1024 ** 2);
    expect(parseSize('1G')).toBe(1024 ** 3);
    for (const bad of ['', '10', '1.5M', '10MB', '-1K']) expect(() => parseSize(bad), bad).toThrow(RangeError);
  });
});
