/** The tar.gz container: large members pass through whole, and a failed write leaves no file behind. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTarGz, sha256, writeTarGz, type Member } from '../../src/backup/tar-gz.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder() {
  const dir = mkdtempSync(join(tmpdir(), 'orch-tar-'));
  dirs.push(dir);
  return dir;
}

describe('writeTarGz and readTarGz', () => {
  it('carry members larger than any stream buffer, in order, with their hashes', async () => {
    const dir = folder();
    const members = ['a.bin', 'logs/b.bin', 'c.bin'].map((path) => ({ path, data: randomBytes(3 * 1024 * 1024) }));
    async function* each() {
      yield* members;
    }
    await writeTarGz(join(dir, 'big.tar.gz'), each(), 0o600);
    const read = await readTarGz(join(dir, 'big.tar.gz'), (name) => name !== 'logs/b.bin');
    expect([...read.keys()]).toEqual(['a.bin', 'logs/b.bin', 'c.bin']);
    for (const { path, data } of members) expect(read.get(path)).toMatchObject({ size: data.length, sha256: sha256(data) });
    expect(read.get('a.bin')?.data?.equals(members[0]!.data)).toBe(true);
    // Not kept: hashed on the way past, never held.
    expect(read.get('logs/b.bin')?.data).toBeUndefined();
  });

  it('leaves neither the archive nor its temporary file when a member cannot be read', async () => {
    const dir = folder();
    async function* failing(): AsyncIterable<Member> {
      yield { path: 'first', data: Buffer.from('ok') };
      throw new Error('cannot read the second');
    }
    await expect(writeTarGz(join(dir, 'broken.tar.gz'), failing(), 0o600)).rejects.toThrow('cannot read the second');
    expect(readdirSync(dir)).toEqual([]);
  });
});
