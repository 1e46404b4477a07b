/**
 * The process groups the daemon owns, kept on disk as they change. When a daemon dies without
 * stopping its servers (kill -9), the next one reads the file and ends those groups before it starts
 * anything, so no server runs twice.
 */
import { signalGroup, groupAlive } from '../actors/child-process.js';
import type { GroupRecorder } from '../actors/process.actor.js';
import { isSameProcess, processStartTime } from '../os/proc.js';
import { readJson, writeJsonAtomic } from './atomic-file.js';

export interface GroupRecord {
  server: string;
  pgid: number;
  /** The leader's start time from `/proc`, so a reused pid is never mistaken for the leader. */
  startTime: string | null;
}

export class GroupRegistry implements GroupRecorder {
  private readonly groups = new Map<number, GroupRecord>();

  constructor(private readonly file: string) {}

  spawned(server: string, pgid: number): void {
    this.groups.set(pgid, { server, pgid, startTime: processStartTime(pgid) });
    this.save();
  }

  released(_server: string, pgid: number): void {
    if (this.groups.delete(pgid)) this.save();
  }

  private save(): void {
    writeJsonAtomic(this.file, { groups: [...this.groups.values()] });
  }
}

export function readGroupRecords(file: string): GroupRecord[] {
  const data = readJson(file) as { groups?: unknown } | undefined;
  if (!Array.isArray(data?.groups)) return [];
  return data.groups.filter(
    (g): g is GroupRecord => typeof g?.server === 'string' && Number.isInteger(g?.pgid) && g.pgid > 1,
  );
}

/**
 * A recorded group is still ours when its leader is the very process recorded, or when the leader is
 * gone but the group lives on: Linux does not hand out a pid while a group of that id exists.
 */
export function isOrphanGroup(record: GroupRecord): boolean {
  if (processStartTime(record.pgid) !== null || process.platform !== 'linux') {
    return isSameProcess(record.pgid, record.startTime);
  }
  return groupAlive(record.pgid);
}

/** Ends every orphan group: SIGTERM, then SIGKILL for what is left after `graceMs`. Returns what it found. */
export async function reapOrphanGroups(file: string, graceMs = 2_000): Promise<GroupRecord[]> {
  const orphans = readGroupRecords(file).filter(isOrphanGroup);
  for (const { pgid } of orphans) trySignal(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (orphans.some(({ pgid }) => groupAlive(pgid)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const { pgid } of orphans) if (groupAlive(pgid)) trySignal(pgid, 'SIGKILL');
  writeJsonAtomic(file, { groups: [] });
  return orphans;
}

function trySignal(pgid: number, signal: NodeJS.Signals): void {
  try {
    signalGroup(pgid, signal);
  } catch {
    // EPERM: no longer ours to end.
  }
}
