/**
 * What an orch backup holds and how it is checked: the config file in use (`config/<name>`, secrets
 * redacted unless asked), the wanted state (`state.json`), optionally the server logs (`logs/*`), and
 * last the manifest. Reading checks everything a restore relies on (the container, the manifest, every
 * checksum, the config, the state) and returns it; nothing is written here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadConfig, parseConfig, type OrchConfig } from '../config/load.js';
import { readJson } from '../daemon/atomic-file.js';
import { displayPath } from '../display-path.js';
import { errorMessage, fsReason, OrchError } from '../errors.js';
import type { OrchHome } from '../home.js';
import { VERSION } from '../version.js';
import * as z from '../zod.js';
import { BACKUP_FORMAT, BACKUP_VERSION, LOGS_PREFIX, MANIFEST_MEMBER, STATE_MEMBER, verifiedManifest, type Manifest } from './manifest.js';
import { redactSecrets } from './secrets.js';
import { readTarGz, sha256, writeTarGz, type Member } from './tar-gz.js';

/**
 * Every `${VAR}` reads as set: a backup's config is checked for its shape, not against this shell's
 * environment (the daemon's may differ, and a restore may run on another machine).
 */
const ANY_ENV: NodeJS.ProcessEnv = new Proxy(
  {},
  {
    get: () => 'set',
    getOwnPropertyDescriptor: () => ({ value: 'set', writable: true, enumerable: true, configurable: true }),
  },
);

const wantedSchema = z.object({ servers: z.record(z.string(), z.enum(['started', 'stopped'])) });
export type Wanted = z.infer<typeof wantedSchema>;
type Wish = Wanted['servers'][string];

export interface BackupOptions {
  configPath: string;
  home: OrchHome;
  withSecrets: boolean;
  withLogs: boolean;
}

export interface WrittenBackup {
  size: number;
  /** 0600 when it holds secrets or logs (which hold whatever servers print); else as the umask says. */
  private: boolean;
  members: { path: string; size: number }[];
  manifest: Manifest;
}

export async function writeBackup(file: string, options: BackupOptions): Promise<WrittenBackup> {
  const source = resolve(options.configPath);
  // The same checks and messages as a daemon start: a broken config is no backup.
  await loadConfig(source, ANY_ENV);
  const original = readFileSync(source, 'utf8');
  const { text, redacted } = options.withSecrets ? { text: original, redacted: [] } : redactSecrets(original);
  const saved = (readJson(options.home.wantedFile) as { servers?: Record<string, unknown> } | undefined)?.servers ?? {};
  const wishes = Object.entries(saved).filter((entry): entry is [string, Wish] => entry[1] === 'started' || entry[1] === 'stopped');
  const wanted: Wanted = { servers: Object.fromEntries(wishes) };

  const listing: { path: string; size: number }[] = [];
  const digests: Manifest['members'] = {};
  const member = (path: string, data: Buffer): Member => {
    digests[path] = { size: data.length, sha256: sha256(data) };
    listing.push({ path, size: data.length });
    return { path, data };
  };
  const configMember = `config/${basename(source)}`;
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    orch: VERSION,
    createdAt: new Date().toISOString(),
    config: { source, member: configMember },
    secrets: options.withSecrets ? 'included' : 'redacted',
    redacted,
    logs: options.withLogs,
    members: digests,
  };
  async function* members(): AsyncIterable<Member> {
    yield member(configMember, Buffer.from(text));
    yield member(STATE_MEMBER, Buffer.from(`${JSON.stringify(wanted, null, 2)}\n`));
    for (const name of options.withLogs ? logFiles(options.home.logsDir) : []) {
      const data = readIfPresent(join(options.home.logsDir, name));
      if (data) yield member(`${LOGS_PREFIX}${name}`, data);
    }
    const data = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    listing.push({ path: MANIFEST_MEMBER, size: data.length });
    yield { path: MANIFEST_MEMBER, data };
  }
  const isPrivate = options.withSecrets || options.withLogs;
  const size = await writeTarGz(file, members(), isPrivate ? 0o600 : 0o666);
  return { size, private: isPrivate, members: listing, manifest };
}

export interface Backup {
  manifest: Manifest;
  configText: string;
  config: OrchConfig;
  wanted: Wanted;
}

/** The backup in `file`, checked through; any flaw is one OrchError line. */
export async function readBackup(file: string): Promise<Backup> {
  const members = await readTarGz(file, (name) => !name.startsWith(LOGS_PREFIX));
  const manifest = verifiedManifest(file, members);
  const refuse = (what: string, error: unknown) =>
    new OrchError('BACKUP_INVALID', `${displayPath(file)} holds ${what} orch cannot use: ${errorMessage(error).split('\n')[0]}`);
  const configText = members.get(manifest.config.member)!.data!.toString('utf8');
  let config: OrchConfig;
  try {
    config = parseConfig(configText, manifest.config.member, ANY_ENV);
  } catch (error) {
    throw refuse('a config', error);
  }
  let state: unknown;
  try {
    state = JSON.parse(members.get(STATE_MEMBER)!.data!.toString('utf8'));
  } catch (error) {
    throw refuse(`a ${STATE_MEMBER}`, error);
  }
  const wanted = wantedSchema.safeParse(state);
  if (!wanted.success) throw refuse(`a ${STATE_MEMBER}`, 'expected { "servers": { NAME: "started" | "stopped" } }');
  return { manifest, configText, config, wanted: wanted.data };
}

/** Plain files only, in name order; none when there is no logs folder. */
function logFiles(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** `orch-backup-20261125-232621.tar.gz`, `.orch-restore-20261125-232621`: local time, sortable. */
export function fileStamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}

/** A log rotated away between the listing and the read is simply not in the backup. */
function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OrchError('BACKUP_FAILED', `cannot read ${path}: ${fsReason(error)}`);
  }
}
