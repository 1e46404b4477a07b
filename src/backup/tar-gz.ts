/**
 * The container of a backup: a gzip'd tar (node-tar writes and reads the tar, zlib the gzip), which any
 * `tar -xzf` opens too. Members come from memory, one at a time, so a backup with large logs never holds
 * them all. Written to a temporary file created with its final mode and then renamed: a failed backup
 * leaves no half archive, and a secret is never readable by others, not even for a moment.
 * Read as a stream: each member is hashed as it passes and only the ones asked for are kept.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { Header, Pack, Parser, ReadEntry } from 'tar';
import { displayPath } from '../display-path.js';
import { fsReason, OrchError } from '../errors.js';

export interface Member {
  path: string;
  data: Buffer;
}

export interface ReadMember {
  size: number;
  sha256: string;
  /** Only for the members the reader asked to keep. */
  data?: Buffer;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes `members` in order to `path` (replacing it); returns the archive's size in bytes. */
export async function writeTarGz(path: string, members: AsyncIterable<Member>, mode: number): Promise<number> {
  const temporary = `${path}.${process.pid}.tmp`;
  const pack = new Pack({ portable: true });
  const mtime = new Date();
  const written = pipeline(pack, createGzip(), createWriteStream(temporary, { mode, flags: 'wx' }));
  try {
    await Promise.all([
      written,
      (async () => {
        try {
          for await (const member of members) {
            const entry = new ReadEntry(new Header({ path: member.path, type: 'File', mode: 0o600, size: member.data.length, mtime }));
            entry.end(member.data);
            if (!pack.write(entry)) await once(pack, 'drain');
          }
          pack.end();
        } catch (error) {
          // Ends the pipeline too, so the write above settles.
          pack.destroy(error as Error);
          throw error;
        }
      })(),
    ]);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return statSync(path).size;
}

/**
 * Every member of the archive with its size and hash; the data of those `keep` picks. Anything that is
 * not a readable gzip'd tar of plain files is one OrchError naming the file.
 */
export async function readTarGz(path: string, keep: (name: string) => boolean): Promise<Map<string, ReadMember>> {
  const file = displayPath(path);
  const members = new Map<string, ReadMember>();
  const problems: string[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry) => {
      if (entry.type !== 'File' || members.has(entry.path)) {
        problems.push(entry.type !== 'File' ? `${entry.path} is a ${entry.type}, not a file` : `${entry.path} appears twice`);
        entry.resume();
        return;
      }
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      entry.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        if (keep(entry.path)) chunks.push(chunk);
      });
      entry.on('end', () => {
        members.set(entry.path, { size, sha256: hash.digest('hex'), ...(keep(entry.path) && { data: Buffer.concat(chunks) }) });
      });
    },
  });
  // Settles either way, and at once: a tar error while the gzip is still read must not go unhandled.
  const parsed = new Promise<Error | undefined>((resolve) => {
    parser.on('end', () => resolve(undefined));
    parser.on('error', resolve);
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) parser.write(chunk);
    });
  } catch (error) {
    throw new OrchError('BACKUP_INVALID', readProblem(file, error as NodeJS.ErrnoException));
  }
  parser.end();
  const tarError = await parsed;
  if (tarError) {
    const detail = tarError.message.replace(/^TAR_\w+: /, '').toLowerCase();
    throw new OrchError('BACKUP_INVALID', `${file} is not an orch backup (not a tar archive: ${detail})`);
  }
  if (problems.length > 0) throw new OrchError('BACKUP_INVALID', `${file} is not an orch backup (${problems[0]})`);
  return members;
}

function readProblem(file: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return `${file}: no such file`;
  if (error.code === 'Z_BUF_ERROR' || /unexpected end of file/.test(error.message)) return `${file} is truncated (its gzip data ends early)`;
  if (/incorrect header check|unknown compression method/.test(error.message)) return `${file} is not an orch backup (not gzip data)`;
  if (error.code?.startsWith('Z_')) return `${file} is damaged (its gzip data is corrupt: ${error.message})`;
  return `${file}: cannot read it (${fsReason(error)})`;
}
