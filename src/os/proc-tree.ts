/**
 * Process trees: which processes descend from a server's pid. Servers are launched through wrappers
 * (`npx` → npm → sh → node), so the cost of a server is the cost of its whole tree. Processes that
 * were reparented away (a double fork) are found by the server's environment marker and belong to
 * its tree too. Linux reads `/proc`; elsewhere `ps` gives the same parent table, without markers.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { statFields } from './proc.js';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid?: number;
  /** Start time in clock ticks: with the pid, names one process across pid reuse. */
  start?: string;
}

/** Parses `/proc/<pid>/stat` into the pid, its parent's, its process group and its start time. */
export function parseStat(text: string): ProcessEntry | undefined {
  const fields = statFields(text);
  if (!fields) return undefined;
  const pid = Number.parseInt(text, 10);
  const ppid = Number(fields[1]);
  const pgid = Number(fields[2]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid)) return undefined;
  return { pid, ppid, ...(Number.isInteger(pgid) && { pgid }), ...(fields[19] !== undefined && { start: fields[19] }) };
}

/** Who the children of each process are, and which processes exist: built once per table read. */
export interface ProcessIndex {
  children: Map<number, number[]>;
  present: Set<number>;
}

export function indexProcesses(table: ProcessEntry[]): ProcessIndex {
  const children = new Map<number, number[]>();
  const present = new Set<number>();
  for (const { pid, ppid } of table) {
    present.add(pid);
    const siblings = children.get(ppid);
    if (siblings) siblings.push(pid);
    else children.set(ppid, [pid]);
  }
  return { children, present };
}

/**
 * Each root with its descendants (root first), from one table of every process (or its index). `adopted`
 * adds, per root, processes that belong to it although they are not its descendants (they left by a
 * double fork).
 */
export function expandTrees(
  roots: number[],
  table: ProcessEntry[] | ProcessIndex,
  adopted: Map<number, number[]> = new Map(),
): Map<number, number[]> {
  const { children, present } = Array.isArray(table) ? indexProcesses(table) : table;
  const trees = new Map<number, number[]>();
  for (const root of roots) {
    if (!present.has(root)) {
      trees.set(root, []);
      continue;
    }
    const tree: number[] = [];
    const seen = new Set<number>();
    const stack = [...(adopted.get(root) ?? []).filter((pid) => present.has(pid)).reverse(), root];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      if (seen.has(pid)) continue;
      seen.add(pid);
      tree.push(pid);
      for (const child of children.get(pid) ?? []) stack.push(child);
    }
    trees.set(root, tree);
  }
  return trees;
}

/** A process that a settled server starts is counted from the next table read, within this long. */
export const TABLE_MAX_AGE_MS = 10_000;

/**
 * What a table read may keep from the last one instead of reading the process's stat line again;
 * undefined when it must be read.
 */
export type KnownEntry = (pid: number) => ProcessEntry | undefined;

/**
 * The parent table, kept between ticks: settled trees rarely change. It is read again once it is
 * `maxAgeMs` old, while any root is younger than that (wrappers start their children then), and when
 * told it went stale (a process of a tree died or changed parent). A read after the first only reads
 * what may have changed: new processes, reparented ones, and the processes of the trees (which may
 * have left their group); the rest of the machine's processes keep their entries. A read after
 * `invalidate()` reads everything.
 */
export class ProcessTableCache {
  private entries = new Map<number, ProcessEntry>();
  private index: ProcessIndex = { children: new Map(), present: new Set() };
  private readAt = Number.NEGATIVE_INFINITY;
  private stale = true;
  private firstSeen = new Map<number, number>();
  /** The processes of the trees last expanded: their entries are always read again. */
  private members = new Set<number>();
  /** Each process's marker, read once per process (pid and start time), since environments do not change. */
  private marks = new Map<number, { start: string | undefined; mark: string | undefined }>();
  private byMark = new Map<string, number[]>();

  constructor(
    private readonly read: (known: KnownEntry) => ProcessEntry[],
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
    private readonly readMark: (pid: number) => string | undefined = () => undefined,
  ) {}

  /** `marks[i]` is the environment marker of `roots[i]`'s server, when it has one. */
  trees(roots: number[], marks: (string | undefined)[] = []): Map<number, number[]> {
    const now = this.now();
    this.firstSeen = new Map(roots.map((root) => [root, this.firstSeen.get(root) ?? now]));
    const youngRoot = [...this.firstSeen.values()].some((seen) => now - seen < this.maxAgeMs);
    if (this.stale || youngRoot || now - this.readAt >= this.maxAgeMs) this.refresh(now);
    const adopted = new Map<number, number[]>();
    roots.forEach((root, index) => {
      const mark = marks[index];
      const marked = mark === undefined ? undefined : this.byMark.get(mark)?.filter((pid) => pid !== root);
      if (marked?.length) adopted.set(root, marked);
    });
    const trees = expandTrees(roots, this.index, adopted);
    this.members = new Set([...trees.values()].flat());
    return trees;
  }

  parentOf(pid: number): number | undefined {
    return this.entries.get(pid)?.ppid;
  }

  groupOf(pid: number): number | undefined {
    return this.entries.get(pid)?.pgid;
  }

  invalidate(): void {
    this.stale = true;
  }

  private refresh(now: number): void {
    const known: KnownEntry = this.stale ? () => undefined : (pid) => (this.members.has(pid) ? undefined : this.entries.get(pid));
    const table = this.read(known);
    this.entries = new Map(table.map((entry) => [entry.pid, entry]));
    this.index = indexProcesses(table);
    this.readMarks(table);
    this.readAt = now;
    this.stale = false;
  }

  private readMarks(table: ProcessEntry[]): void {
    const marks = new Map<number, { start: string | undefined; mark: string | undefined }>();
    const byMark = new Map<string, number[]>();
    for (const { pid, start } of table) {
      const known = this.marks.get(pid);
      const entry = known && known.start === start ? known : { start, mark: this.readMark(pid) };
      marks.set(pid, entry);
      if (entry.mark === undefined) continue;
      const list = byMark.get(entry.mark);
      if (list) list.push(pid);
      else byMark.set(entry.mark, [pid]);
    }
    this.marks = marks;
    this.byMark = byMark;
  }
}

/**
 * Every process with its parent and group. Linux reads `/proc`, reusing what `known` gives for a
 * process whose parent still runs (a process changes parent only when its parent dies); elsewhere `ps`.
 */
export function readProcessTable(known: KnownEntry = () => undefined): ProcessEntry[] {
  return process.platform === 'linux' ? readProcTable(known) : readPsTable();
}

/** A stat line is a few hundred bytes (the command name in it is cut to 15). */
const statBuffer = Buffer.alloc(1024);

function readProcTable(known: KnownEntry): ProcessEntry[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57) pids.push(Number(name));
  }
  const live = new Set(pids);
  const table: ProcessEntry[] = [];
  for (const pid of pids) {
    const kept = known(pid);
    // A kept entry could belong to a dead process whose pid was reused since the last read, 10 s ago:
    // that takes the pid counter wrapping in that time, tens of thousands of forks.
    const entry = kept && (kept.ppid === 0 || live.has(kept.ppid)) ? kept : readStat(pid);
    if (entry) table.push(entry);
  }
  return table;
}

function readStat(pid: number): ProcessEntry | undefined {
  let fd: number | undefined;
  try {
    // One read into a reused buffer: readFileSync would stat the file and read again to find its end.
    fd = openSync(`/proc/${pid}/stat`, 'r');
    return parseStat(statBuffer.toString('latin1', 0, readSync(fd, statBuffer, 0, statBuffer.length, 0)));
  } catch {
    // Gone between the listing and the read.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readPsTable(): ProcessEntry[] {
  const output = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([pid, ppid]) => Number.isInteger(pid) && Number.isInteger(ppid))
    .map(([pid, ppid]) => ({ pid: pid!, ppid: ppid! }));
}
