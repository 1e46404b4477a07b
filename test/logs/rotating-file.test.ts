/** Rotated log files stay private: the live file and every rotated copy are 0600, an old 0644 file included. */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeStream, openRotatingFile } from '../../src/logs/rotating-file.js';
import { eventually } from '../support/orchestrator.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-rotate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('openRotatingFile', () => {
  it('tightens an existing 0644 file and keeps every rotated file 0600', async () => {
    const path = join(dir, 'server.log');
    writeFileSync(path, 'written by an older orch\n', { mode: 0o644 });
    expect(modeOf(path)).toBe(0o644);

    const stream = openRotatingFile(path, { size: '1K', files: 3 });
    // Two rotations: the old file becomes server.log.2, the one opened after it server.log.1.
    for (const rotated of ['server.log.1', 'server.log.2']) {
      stream.write(`${'x'.repeat(1_100)}\n`);
      await eventually(() => readdirSync(dir).includes(rotated), 5_000, rotated);
    }
    await closeStream(stream);

    const files = readdirSync(dir).sort();
    expect(files).toEqual(['server.log', 'server.log.1', 'server.log.2']);
    for (const file of files) expect(modeOf(join(dir, file)), file).toBe(0o600);
  });
});
