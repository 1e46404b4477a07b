/**
 * The process groups the daemon owns, kept on disk as they change. When a daemon dies without
 * stopping its servers (kill -9), the next one reads the file and ends those groups, and every
 * process carrying its servers' environment marker, before it starts anything, so no server runs twice.
 */
import { groupAlive } from '../os/process-group.js';
import type { GroupRecorder } from '../actors/process.actor.js';
import { findMarked, ownerOf } from '../os/marked.js';
import { isSameProcess, processGroup, processStartTime } from '../os/proc.js';
import type { StorageProblems } from '../storage/problems.js';
import { StateFile } from '../storage/state-file.js';
import { readJson, writeJsonAtomic } from './atomic-file.js';

export interface GroupRecord {
  server: string;
  pgid: number;
  /** The leader's start time from `/proc`, so a reused pid is never mistaken for the leader. */
  startTime: string | null;
}

/** Kept in memory first: a file that cannot be written (full disk) is retried, and never loses a group. */
export class GroupRegistry implements GroupRecorder {
  private readonly groups = new Map<number, GroupRecord>();
  private readonly file: StateFile;

  constructor(path: string, problems: StorageProblems) {
    this.file = new StateFile(path, problems);
  }

  spawned(server: string, pgid: number): void {
    this.groups.set(pgid, { server, pgid, startTime: processStartTime(pgid) });
    this.save();
  }

  released(_server: string, pgid: number): void {
    if (this.groups.delete(pgid)) this.save();
  }

  close(): void {
    this.file.close();
  }

  private save(): void {
    this.file.write({ groups: [...this.groups.values()] });
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

export interface Orphans {
  groups: GroupRecord[];
  /** Processes marked by this ORCH_HOME's servers that had left their groups. */
  escaped: number[];
}

/**
 * Ends what a dead daemon of this ORCH_HOME left running: the groups it recorded, and every process
 * carrying its servers' marker (those that left their groups, or whose group was never recorded
 * because the disk was full). SIGTERM, then SIGKILL for what is left after `graceMs`.
 */
export async function reapOrphans(file: string, owner: string, graceMs = 2_000): Promise<Orphans> {
  const groups = readGroupRecords(file).filter(isOrphanGroup);
  const pgids = new Set(groups.map(({ pgid }) => pgid));
  const escaped = findMarked((mark) => ownerOf(mark) === owner).filter((pid) => !pgids.has(processGroup(pid) ?? -1));
  const alive = () => groups.some(({ pgid }) => groupAlive(pgid)) || escaped.some((pid) => processStartTime(pid) !== null);
  const signalAll = (signal: NodeJS.Signals) => {
    for (const { pgid } of groups) trySignal(-pgid, signal);
    for (const pid of escaped) trySignal(pid, signal);
  };
  signalAll('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (alive()) signalAll('SIGKILL');
  try {
    writeJsonAtomic(file, { groups: [] });
  } catch {
    // Not worth failing a start over: the recorded leaders are gone, so the next daemon skips them.
  }
  return { groups, escaped };
}

/** A negative target is a process group, as for kill(2). */
function trySignal(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: gone; EPERM: no longer ours to end.
  }
}
