/**
 * `orch link` and `orch unlink` for one client file, without I/O: which entries can become
 * `orch connect NAME`, the file's text once they have, and the record (link-store.ts) that puts it
 * back. Unlinking writes back the original bytes when nobody touched the file since orch linked it;
 * otherwise each linked entry gets its original text back in place, so the user's later edits stay.
 * Every edit is checked by parsing its result: if more changed than the entries meant to, it is refused.
 */
import { jsonFormat, valueAt, type EntryFormat, type EntrySpot } from './entries.js';
import type { ClientFile, FileLayout } from './locations.js';
import { sha256, type LinkedEntry, type LinkRecord } from './link-store.js';
import { toEntry, type ServerEntry } from './readers.js';
import { tomlFormat } from './toml-entries.js';

/** How a client starts `orch connect NAME`: absolute paths, since clients spawn with a bare environment. */
export interface Launch {
  /** The node that runs orch now (`process.execPath`). */
  command: string;
  /** orch's bin, `…/bin/orch.js`. */
  bin: string;
  /** `ORCH_HOME` when it is not the default, so the client reaches the same daemon. */
  env?: Record<string, string>;
}

export type Verdict = { state: 'link'; entry: ServerEntry } | { state: 'linked' } | { state: 'skip'; reason: string };

export interface SurveyedEntry {
  spot: EntrySpot;
  verdict: Verdict;
}

export interface Unlinked {
  bytes: Buffer;
  /** The original file came back whole, since it was as orch left it. */
  whole: boolean;
  restored: LinkedEntry[];
  left: { entry: LinkedEntry; reason: string }[];
}

export function formatOf(layout: FileLayout): EntryFormat {
  return layout === 'codex-toml' ? tomlFormat : jsonFormat(layout);
}

/** Every server entry in the file and what linking would do with it; throws when the file cannot be parsed. */
export function surveyEntries(layout: FileLayout, text: string): SurveyedEntry[] {
  return formatOf(layout)
    .entries(text)
    .map((spot) => ({ spot, verdict: verdictOf(spot) }));
}

function verdictOf(spot: EntrySpot): Verdict {
  if (connectTarget(spot.value) !== undefined) return { state: 'linked' };
  if (spot.locked) return { state: 'skip', reason: spot.locked };
  const entry = toEntry(spot.value);
  if (typeof entry === 'string') return { state: 'skip', reason: entry };
  if (entry.url !== undefined) return { state: 'skip', reason: 'remote: left as is' };
  // orch import does not carry envFile into orch's config: linked, the server would lose those variables.
  if (valueAt(spot.value, ['envFile']) !== undefined) return { state: 'skip', reason: 'has an envFile, which orch import does not carry: left as is' };
  return { state: 'link', entry };
}

/** The orch server an entry runs `orch connect` for (`… orch connect NAME`, `node …/orch.js connect NAME`). */
export function connectTarget(value: unknown): string | undefined {
  const command = valueAt(value, ['command']);
  const args = valueAt(value, ['args']);
  if (typeof command !== 'string' || !Array.isArray(args) || args.length < 2) return undefined;
  const [verb, name] = args.slice(-2) as unknown[];
  if (verb !== 'connect' || typeof name !== 'string') return undefined;
  const runner = [command, ...args.slice(0, -2)].map(String);
  return runner.some((part) => /(^|[\\/])orch(\.js)?$/.test(part)) ? name : undefined;
}

/**
 * Links the entries at `targets` (from {@link surveyEntries} of these bytes) and returns the new bytes
 * and the record that undoes it, building on `record` when the file was linked before.
 */
export function linkFile(file: ClientFile, bytes: Buffer, record: LinkRecord | undefined, targets: EntrySpot[], launch: Launch, now: Date): { bytes: Buffer; record: LinkRecord; linked: LinkedEntry[] } {
  const text = decode(bytes);
  let original = record?.original ?? bytes.toString('base64');
  let kept = record?.entries ?? [];
  if (record && sha256(bytes) !== record.linkedHash) {
    // Edited since orch linked it: what unlink must write back is now this text with orch's entries restored.
    const restored = restoreEntries(record.layout, text, record.entries);
    original = Buffer.from(restored.text).toString('base64');
    kept = restored.restored;
  }
  const format = formatOf(file.layout);
  const expected = format.parse(text);
  const linked: LinkedEntry[] = [];
  let result = text;
  for (const target of targets) {
    const spot = findSpot(format, result, target.path);
    if (!spot || spot.locked) throw new Error(`${target.name}: moved while orch was reading the file`);
    const value = linkedValue(spot.value, spot.name, launch);
    linked.push({ name: spot.name, ...(spot.project !== undefined && { project: spot.project }), path: spot.path, text: text.slice(target.start, target.end) });
    result = format.replace(result, spot, value);
    setAt(expected, spot.path, value);
  }
  ensureOnly(format, result, expected);
  const out = Buffer.from(result);
  return {
    bytes: out,
    linked,
    record: { version: 1, client: file.client, layout: file.layout, path: file.path, original, entries: [...kept, ...linked], linkedHash: sha256(out), linkedAt: now.toISOString() },
  };
}

/** The bytes that undo orch's link of this file: the original when the file is as orch left it, else entry by entry. */
export function unlinkFile(record: LinkRecord, bytes: Buffer): Unlinked {
  if (sha256(bytes) === record.linkedHash) return { bytes: Buffer.from(record.original, 'base64'), whole: true, restored: record.entries, left: [] };
  const { text, restored, left } = restoreEntries(record.layout, decode(bytes), record.entries);
  return { bytes: Buffer.from(text), whole: false, restored, left };
}

/** Puts each entry's original text back where the entry now is, if it still runs `orch connect` for it. */
function restoreEntries(layout: FileLayout, text: string, entries: LinkedEntry[]): { text: string; restored: LinkedEntry[]; left: Unlinked['left'] } {
  const format = formatOf(layout);
  const expected = format.parse(text);
  const restored: LinkedEntry[] = [];
  const left: Unlinked['left'] = [];
  let result = text;
  for (const entry of entries) {
    const spot = findSpot(format, result, entry.path);
    if (!spot) {
      left.push({ entry, reason: 'no longer in the file: not put back' });
    } else if (spot.locked || connectTarget(spot.value) !== entry.name) {
      left.push({ entry, reason: 'changed since it was linked: left as is' });
    } else {
      const current = result.slice(spot.start, spot.end);
      // A TOML table that ended the file may have another after it now: it needs its line end then.
      const eol = /\r?\n$/.exec(current)?.[0];
      const original = eol && !/\n$/.test(entry.text) ? entry.text + eol : entry.text;
      result = result.slice(0, spot.start) + original + result.slice(spot.end);
      setAt(expected, entry.path, format.valueOf(entry.text, spot));
      restored.push(entry);
    }
  }
  ensureOnly(format, result, expected);
  return { text: result, restored, left };
}

/**
 * The entry as the client should now hold it: the same keys in the same order (`type`, `disabled`,
 * Codex's `enabled`…) but the command and args of `orch connect NAME`, and no env or envFile, which
 * orch's config holds now (only `ORCH_HOME` when it is not the default).
 */
function linkedValue(value: unknown, name: string, launch: Launch): Record<string, unknown> {
  const args = [launch.bin, 'connect', name];
  const linked: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'env' || key === 'envFile') continue;
    linked[key] = key === 'command' ? launch.command : key === 'args' ? args : v;
  }
  linked.args ??= args;
  if (launch.env) linked.env = { ...launch.env };
  return linked;
}

function findSpot(format: EntryFormat, text: string, path: readonly string[]): EntrySpot | undefined {
  return format.entries(text).find((spot) => spot.path.length === path.length && spot.path.every((key, i) => key === path[i]));
}

function setAt(data: unknown, path: readonly string[], value: unknown): void {
  (valueAt(data, path.slice(0, -1)) as Record<string, unknown>)[path.at(-1)!] = value;
}

/** Refuses an edit whose result differs from the old document anywhere but the entries it meant to change. */
function ensureOnly(format: EntryFormat, text: string, expected: unknown): void {
  let actual: unknown;
  try {
    actual = format.parse(text);
  } catch {
    actual = undefined;
  }
  if (canonical(actual) !== canonical(expected)) throw new Error('orch cannot edit it without changing more than the linked entries: left as is');
}

/** JSON with every object's keys sorted: equal documents, whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The file as text; refused when it is not UTF-8, since writing the text back would not give its bytes. */
export function decode(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text).equals(bytes)) throw new Error('not UTF-8 text: left as is');
  return text;
}
