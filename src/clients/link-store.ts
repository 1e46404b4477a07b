/**
 * What `orch unlink` needs to put a client file back, kept in `$ORCH_HOME/links/` (a 0700 folder of
 * 0600 files: the originals may hold secrets): one record per client file, named by a hash of its
 * absolute path, with the file's bytes before orch first linked it, each linked entry's original
 * text, and the hash of the file as orch left it (so unlink can tell whether anyone edited it since).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeFile, writeJsonAtomic } from '../daemon/atomic-file.js';
import { errorMessage } from '../errors.js';
import type { OrchHome } from '../home.js';
import * as z from '../zod.js';
import { CLIENT_IDS } from './locations.js';

const LinkedEntrySchema = z.object({
  name: z.string(),
  project: z.optional(z.string()),
  /** The keys that lead to the entry in the file: `['mcpServers', 'memory']`. */
  path: z.array(z.string()),
  /** The entry's text before orch linked it, exactly as it was in the file. */
  text: z.string(),
});

const LinkRecordSchema = z.object({
  version: z.literal(1),
  client: z.enum(CLIENT_IDS),
  layout: z.enum(['mcpServers', 'servers', 'claude-code-user', 'codex-toml']),
  path: z.string(),
  /** The file's bytes before orch linked anything in it, base64. */
  original: z.string(),
  entries: z.array(LinkedEntrySchema),
  /** sha256 of the file's bytes as orch wrote them. */
  linkedHash: z.string(),
  linkedAt: z.string(),
});

export type LinkedEntry = z.infer<typeof LinkedEntrySchema>;
export type LinkRecord = z.infer<typeof LinkRecordSchema>;

export function linksDir(home: OrchHome): string {
  return join(home.root, 'links');
}

export function recordFile(home: OrchHome, path: string): string {
  return join(linksDir(home), `${sha256(path).slice(0, 16)}.json`);
}

/** The record for the client file at `path`; throws, naming the record, when it is there but unreadable. */
export function readRecord(home: OrchHome, path: string): LinkRecord | undefined {
  const file = recordFile(home, path);
  const record = readRecordFile(file);
  // Two paths with one hash prefix would share a file: a record of another path is not this file's.
  return record?.path === path ? record : undefined;
}

/** Every record, in no particular order, and why any other file in the folder could not be read as one. */
export function listRecords(home: OrchHome): { records: LinkRecord[]; problems: string[] } {
  let names: string[];
  try {
    names = readdirSync(linksDir(home));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
    return { records: [], problems: [`cannot list ${linksDir(home)}: ${errorMessage(error)}`] };
  }
  const records: LinkRecord[] = [];
  const problems: string[] = [];
  for (const name of names.filter((name) => name.endsWith('.json'))) {
    try {
      const record = readRecordFile(join(linksDir(home), name));
      if (record) records.push(record);
    } catch (error) {
      problems.push(errorMessage(error));
    }
  }
  return { records, problems };
}

export function saveRecord(home: OrchHome, record: LinkRecord): void {
  mkdirSync(linksDir(home), { recursive: true, mode: 0o700 });
  writeJsonAtomic(recordFile(home, record.path), record);
}

export function removeRecord(home: OrchHome, path: string): void {
  removeFile(recordFile(home, path));
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function readRecordFile(file: string): LinkRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the link record ${file}: ${errorMessage(error)}`);
  }
  const parsed = LinkRecordSchema.safeParse(data);
  if (!parsed.success) throw new Error(`the link record ${file} is not one orch wrote (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}
