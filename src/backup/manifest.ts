/**
 * `manifest.json`, the last member of a backup: what the archive is (format and version), who wrote it
 * and when, where its config came from, what it includes, and the size and SHA-256 of every other
 * member. It is how `orch restore` tells an orch backup from any other tar.gz and a damaged one from a
 * sound one, before it touches anything.
 */
import { isAbsolute } from 'node:path';
import { displayPath } from '../display-path.js';
import { OrchError } from '../errors.js';
import * as z from '../zod.js';
import type { ReadMember } from './tar-gz.js';

export const BACKUP_FORMAT = 'orch-backup';
/** Raised when a change would make an older orch misread an archive; an older orch refuses a newer one. */
export const BACKUP_VERSION = 1;
export const MANIFEST_MEMBER = 'manifest.json';
export const STATE_MEMBER = 'state.json';
export const LOGS_PREFIX = 'logs/';

const digest = z.strictObject({ size: z.number().check(z.int(), z.nonnegative()), sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)) });

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  orch: z.string(),
  createdAt: z.iso.datetime(),
  config: z.object({
    /** The absolute path it was read from: where `orch restore` writes it back unless told `--to`. */
    source: z.string().check(z.refine(isAbsolute, 'expected an absolute path')),
    member: z.string().check(z.regex(/^config\/[^/]+$/)),
  }),
  /** `redacted`: every secret in the config is `${ORCH_REDACTED}` (listed in `redacted`). */
  secrets: z.enum(['redacted', 'included']),
  redacted: z.array(z.string()),
  logs: z.boolean(),
  members: z.record(z.string(), digest),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** The archive's manifest, checked against every member the archive holds. */
export function verifiedManifest(path: string, members: Map<string, ReadMember>): Manifest {
  const file = displayPath(path);
  const refuse = (why: string) => new OrchError('BACKUP_INVALID', `${file} ${why}`);
  const text = members.get(MANIFEST_MEMBER)?.data?.toString('utf8');
  if (text === undefined) throw refuse(`is not an orch backup (it has no ${MANIFEST_MEMBER})`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw refuse(`is not an orch backup (its ${MANIFEST_MEMBER} is not JSON)`);
  }
  const { format, version } = (raw ?? {}) as { format?: unknown; version?: unknown };
  if (format !== BACKUP_FORMAT) throw refuse(`is not an orch backup (its ${MANIFEST_MEMBER} is not an orch manifest)`);
  if (typeof version === 'number' && version > BACKUP_VERSION) {
    throw refuse(`was written by a newer orch (backup format ${version}; this orch reads format ${BACKUP_VERSION}): upgrade orch`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw refuse(`has a damaged ${MANIFEST_MEMBER} (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  const manifest = parsed.data;
  const listed = manifest.members;
  for (const name of [manifest.config.member, STATE_MEMBER]) {
    if (!Object.hasOwn(listed, name)) throw refuse(`has a damaged ${MANIFEST_MEMBER} (it does not list ${name})`);
  }
  for (const [name, expected] of Object.entries(listed)) {
    const member = members.get(name);
    if (!member) throw refuse(`is incomplete: ${name} is missing`);
    if (member.size !== expected.size || member.sha256 !== expected.sha256) throw refuse(`is damaged: ${name} does not match its checksum`);
  }
  for (const name of members.keys()) {
    if (name !== MANIFEST_MEMBER && !Object.hasOwn(listed, name)) throw refuse(`holds ${name}, which its ${MANIFEST_MEMBER} does not list`);
  }
  return manifest;
}
