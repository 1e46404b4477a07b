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

/**
 * Each root with its descendants (root first), from one table of every process. `adopted` adds, per
 * root, processes that belong to it although they are not its descendants (they left by a double fork).
 */
export function expandTrees(
  roots: number[],
  table: ProcessEntry[],
  adopted: Map<number, number[]> = new Map(),
): Map<number, number[]> {
  const children = new Map<number, number[]>();
  const present = new Set<number>();
  for (const { pid, ppid } of table) {
    present.add(pid);
    const siblings = children.get(ppid);
    if (siblings) siblings.push(pid);
    else children.set(ppid, [pid]);
  }
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

/** A process that a settled server starts is counted from the next full scan, within this long. */
export const TABLE_MAX_AGE_MS = 10_000;

/**
 * The parent table, kept between ticks: scanning every process costs about as much as measuring the
 * trees, and settled trees rarely change. It is read again once it is `maxAgeMs` old, while any root
 * is younger than that (wrappers start their children then), and when told it went stale (a process
 * of a tree died or changed parent).
 */
export class ProcessTableCache {
  private entries = new Map<number, ProcessEntry>();
  private table: ProcessEntry[] = [];
  private readAt = Number.NEGATIVE_INFINITY;
  private firstSeen = new Map<number, number>();
  /** Each process's marker, read once per process (pid and start time), since environments do not change. */
  private marks = new Map<number, { start: string | undefined; mark: string | undefined }>();

  constructor(
    private readonly read: () => ProcessEntry[],
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
    private readonly readMark: (pid: number) => string | undefined = () => undefined,
  ) {}

  /** `marks[i]` is the environment marker of `roots[i]`'s server, when it has one. */
  trees(roots: number[], marks: (string | undefined)[] = []): Map<number, number[]> {
    const now = this.now();
    this.firstSeen = new Map(roots.map((root) => [root, this.firstSeen.get(root) ?? now]));
    const youngRoot = [...this.firstSeen.values()].some((seen) => now - seen < this.maxAgeMs);
    if (youngRoot || now - this.readAt >= this.maxAgeMs) {
      this.table = this.read();
      this.entries = new Map(this.table.map((entry) => [entry.pid, entry]));
      this.readMarks();
      this.readAt = now;
    }
    const wanted = new Map(roots.flatMap((root, index) => (marks[index] ? [[marks[index], root] as const] : [])));
    const adopted = new Map<number, number[]>();
    if (wanted.size > 0) {
      for (const [pid, { mark }] of this.marks) {
        const root = mark === undefined ? undefined : wanted.get(mark);
        if (root === undefined || root === pid) continue;
        const list = adopted.get(root);
        if (list) list.push(pid);
        else adopted.set(root, [pid]);
      }
    }
    return expandTrees(roots, this.table, adopted);
  }

  parentOf(pid: number): number | undefined {
    return this.entries.get(pid)?.ppid;
  }

  groupOf(pid: number): number | undefined {
    return this.entries.get(pid)?.pgid;
  }

  invalidate(): void {
    this.readAt = Number.NEGATIVE_INFINITY;
  }

  private readMarks(): void {
    const marks = new Map<number, { start: string | undefined; mark: string | undefined }>();
    for (const { pid, start } of this.table) {
      const known = this.marks.get(pid);
      marks.set(pid, known && known.start === start ? known : { start, mark: this.readMark(pid) });
    }
    this.marks = marks;
  }
}

export function readProcessTable(): ProcessEntry[] {
  return process.platform === 'linux' ? readProcTable() : readPsTable();
}

/** A stat line is a few hundred bytes (the command name in it is cut to 15). */
const statBuffer = Buffer.alloc(1024);

function readProcTable(): ProcessEntry[] {
  const table: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    let fd: number | undefined;
    try {
      // One read into a reused buffer: readFileSync would stat the file and read again to find its end.
      fd = openSync(`/proc/${name}/stat`, 'r');
      const entry = parseStat(statBuffer.toString('latin1', 0, readSync(fd, statBuffer, 0, statBuffer.length, 0)));
      if (entry) table.push(entry);
    } catch {
      // Gone between the listing and the read.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  return table;
}

function readPsTable(): ProcessEntry[] {
  const output = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([pid, ppid]) => Number.isInteger(pid) && Number.isInteger(ppid))
    .map(([pid, ppid]) => ({ pid: pid!, ppid: ppid! }));
}
