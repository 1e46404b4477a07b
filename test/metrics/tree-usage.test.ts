/** CPU deltas and tree expansion on synthetic /proc data: no processes involved. */
import { describe, expect, it } from 'vitest';
import { expandTrees, indexProcesses, parseStat, ProcessTableCache, readProcessTable, type KnownEntry, type ProcessEntry } from '../../src/os/proc-tree.js';
import { treeUsage, type PidUsage } from '../../src/metrics/tree-usage.js';

const MB = 1024 ** 2;
const usage = (pid: number, ctimeMs: number, memoryMb: number, elapsedMs: number): PidUsage => ({
  pid, ctimeMs, memoryBytes: memoryMb * MB, elapsedMs,
});

describe('parseStat', () => {
  it('reads pid, ppid, group and start time, even when the command name holds spaces and parentheses', () => {
    expect(parseStat('4242 (node) S 4200 4241 4242 0 -1 4194560 1 0 0 0 5 2 0 0 20 0 7 0 123456 0 0')).toEqual({
      pid: 4242,
      ppid: 4200,
      pgid: 4241,
      start: '123456',
    });
    expect(parseStat('77 (my (weird) name) R 1 77 77 0')).toEqual({ pid: 77, ppid: 1, pgid: 77 });
    expect(parseStat('garbage')).toBeUndefined();
  });
});

describe('expandTrees', () => {
  // npx → sh → node, plus an unrelated process and a second server.
  const table = [
    { pid: 1, ppid: 0 },
    { pid: 100, ppid: 1 },
    { pid: 101, ppid: 100 },
    { pid: 102, ppid: 101 },
    { pid: 103, ppid: 102 },
    { pid: 200, ppid: 1 },
    { pid: 300, ppid: 1 },
    { pid: 301, ppid: 300 },
  ];

  it('collects every descendant of each root, and nothing else', () => {
    const trees = expandTrees([100, 300], table);
    expect(trees.get(100)?.sort()).toEqual([100, 101, 102, 103]);
    expect(trees.get(300)?.sort()).toEqual([300, 301]);
  });

  it('a root that is gone has an empty tree; a cycle in bad data does not loop', () => {
    expect(expandTrees([999], table).get(999)).toEqual([]);
    expect(expandTrees([5], [{ pid: 5, ppid: 6 }, { pid: 6, ppid: 5 }]).get(5)?.sort()).toEqual([5, 6]);
  });

  it('expands the same from an index built once', () => {
    expect(expandTrees([100, 300, 999], indexProcesses(table))).toEqual(expandTrees([100, 300, 999], table));
  });
});

describe('ProcessTableCache', () => {
  const setup = () => {
    const clock = { now: 0 };
    let table: ProcessEntry[] = [{ pid: 100, ppid: 1 }];
    const reads: number[] = [];
    const known: KnownEntry[] = [];
    const cache = new ProcessTableCache(
      (kept) => {
        reads.push(clock.now);
        known.push(kept);
        return table;
      },
      10_000,
      () => clock.now,
    );
    return { clock, cache, reads, known, setTable: (next: ProcessEntry[]) => (table = next) };
  };

  it('reads the table on every tick while a root is young, then only once it is stale', () => {
    const { clock, cache, reads, setTable } = setup();
    cache.trees([100]);
    clock.now = 2_000;
    setTable([{ pid: 100, ppid: 1 }, { pid: 101, ppid: 100 }]);
    // The wrapper's child, started in the server's first seconds, is seen at once.
    expect(cache.trees([100]).get(100)).toEqual([100, 101]);
    clock.now = 10_000;
    cache.trees([100]);
    setTable([{ pid: 100, ppid: 1 }, { pid: 101, ppid: 100 }, { pid: 102, ppid: 100 }]);
    clock.now = 11_000;
    expect(cache.trees([100]).get(100)).toEqual([100, 101]);
    clock.now = 12_000;
    expect(cache.trees([100]).get(100)?.sort()).toEqual([100, 101, 102]);
    expect(reads).toEqual([0, 2_000, 12_000]);
  });

  it('a new root, or a table declared stale, is read again at once', () => {
    const { clock, cache, reads, setTable } = setup();
    cache.trees([100]);
    clock.now = 30_000;
    cache.trees([100]);
    clock.now = 31_000;
    cache.trees([100]);
    setTable([{ pid: 100, ppid: 1 }, { pid: 200, ppid: 1 }]);
    clock.now = 32_000;
    expect(cache.trees([100, 200]).get(200)).toEqual([200]);
    expect(cache.parentOf(200)).toBe(1);
    clock.now = 45_000;
    cache.trees([100, 200]);
    clock.now = 46_000;
    cache.invalidate();
    cache.trees([100, 200]);
    expect(reads).toEqual([0, 30_000, 32_000, 45_000, 46_000]);
  });

  it('a read keeps what it knows of processes outside the trees; the trees, and everything after invalidate(), are read again', () => {
    const { clock, cache, known, setTable } = setup();
    setTable([{ pid: 1, ppid: 0 }, { pid: 100, ppid: 1 }, { pid: 101, ppid: 100 }, { pid: 500, ppid: 1 }]);
    cache.trees([100]);
    // The first read knows nothing.
    expect(known[0]!(500)).toBeUndefined();
    clock.now = 20_000;
    cache.trees([100]);
    expect(known[1]!(500)).toEqual({ pid: 500, ppid: 1 });
    expect(known[1]!(1)).toEqual({ pid: 1, ppid: 0 });
    expect(known[1]!(100)).toBeUndefined();
    expect(known[1]!(101)).toBeUndefined();
    cache.invalidate();
    cache.trees([100]);
    expect(known[2]!(500)).toBeUndefined();
  });
});

describe.skipIf(process.platform !== 'linux')('readProcessTable', () => {
  const own = () => readProcessTable().find((entry) => entry.pid === process.pid)!;

  it('keeps a known entry whose parent still runs, and reads again one whose parent is gone', () => {
    const real = own();
    const keptAsIs = { ...real, pgid: -1 };
    expect(readProcessTable((pid) => (pid === process.pid ? keptAsIs : undefined)).find((e) => e.pid === process.pid)).toBe(keptAsIs);
    // A parent that no longer runs means this process was reparented since: its stat line is read again.
    const orphaned = { ...real, ppid: 2 ** 30 };
    expect(readProcessTable((pid) => (pid === process.pid ? orphaned : undefined)).find((e) => e.pid === process.pid)).toEqual(real);
  });
});

describe('treeUsage', () => {
  it('the first reading has no interval: 0 % CPU, memory summed over the tree', () => {
    expect(treeUsage(undefined, { at: 1_000, pids: [usage(1, 500, 30, 10_000), usage(2, 100, 20, 10_000)] })).toEqual({
      cpuPercent: 0,
      memoryBytes: 50 * MB,
      processes: 2,
    });
  });

  it('CPU % is the CPU time the tree used between two ticks over the wall time between them', () => {
    const before = { at: 10_000, pids: [usage(1, 1_000, 30, 60_000), usage(2, 500, 20, 60_000)] };
    const after = { at: 12_000, pids: [usage(1, 2_900, 30, 62_000), usage(2, 600, 25, 62_000)] };
    expect(treeUsage(before, after)).toEqual({ cpuPercent: 100, memoryBytes: 55 * MB, processes: 2 });
  });

  it('a process born since the last tick counts all its CPU time; a vanished one counts nothing', () => {
    const before = { at: 0, pids: [usage(1, 0, 10, 5_000), usage(9, 700, 10, 5_000)] };
    const after = { at: 2_000, pids: [usage(1, 200, 10, 7_000), usage(3, 300, 40, 1_500)] };
    expect(treeUsage(before, after).cpuPercent).toBe(25);
  });

  it('a reused pid (younger than the one seen last tick) is a new process', () => {
    const before = { at: 0, pids: [usage(7, 9_000, 10, 50_000)] };
    const after = { at: 2_000, pids: [usage(7, 400, 10, 1_000)] };
    expect(treeUsage(before, after).cpuPercent).toBe(20);
  });

  it('sums cores: two busy processes read 200 %', () => {
    const before = { at: 0, pids: [usage(1, 0, 1, 10_000), usage(2, 0, 1, 10_000)] };
    const after = { at: 1_000, pids: [usage(1, 1_000, 1, 11_000), usage(2, 1_000, 1, 11_000)] };
    expect(treeUsage(before, after).cpuPercent).toBe(200);
  });
});
