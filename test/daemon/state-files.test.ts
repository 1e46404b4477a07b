/** The daemon's state folder: the lock, the groups it owns, and which servers the user wants. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupRegistry, isOrphanGroup, readGroupRecords, reapOrphans } from '../../src/daemon/groups.js';
import { acquireLock } from '../../src/daemon/lock.js';
import { WantedState } from '../../src/daemon/wanted.js';
import { MARK_VARIABLE, serverMark } from '../../src/os/marked.js';
import { processStartTime } from '../../src/os/proc.js';
import { StorageProblems } from '../../src/storage/problems.js';
import { eventually, isAlive } from '../support/orchestrator.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('daemon lock', () => {
  it('is refused while another live process holds it, with a message naming the owner', () => {
    const path = join(dir, 'daemon.lock');
    writeFileSync(path, JSON.stringify({ pid: process.ppid, startTime: processStartTime(process.ppid) }));
    expect(() => acquireLock(path, (pid) => `held by ${pid}`)).toThrow(`held by ${process.ppid}`);
  });

  it('knows whether it still holds the lock, and never removes one that is not its own', () => {
    const path = join(dir, 'daemon.lock');
    const lock = acquireLock(path, () => 'unused');
    expect(lock.held()).toBe(true);
    // What a racing stale takeover could leave: another process's content in the file.
    writeFileSync(path, JSON.stringify({ pid: process.ppid, startTime: processStartTime(process.ppid) }));
    expect(lock.held()).toBe(false);
    lock.release();
    expect(readFileSync(path, 'utf8')).toContain(String(process.ppid));
  });

  it('is released by its holder, and then free', () => {
    const path = join(dir, 'daemon.lock');
    acquireLock(path, () => 'unused').release();
    acquireLock(path, () => 'unused').release();
  });

  it('takes over a stale lock whose owner is dead, or a pid reused by another process', () => {
    const path = join(dir, 'daemon.lock');
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 7, startTime: '1' }));
    const taken = acquireLock(path, () => 'should not be refused');
    expect(taken.tookOverStale).toBe(true);
    taken.release();
    writeFileSync(path, JSON.stringify({ pid: process.ppid, startTime: 'not-its-start-time' }));
    acquireLock(path, () => 'should not be refused').release();
  });

  it('says it took over from a daemon that died only when it did: a released lock leaves nothing to take over', () => {
    const path = join(dir, 'daemon.lock');
    const first = acquireLock(path, () => 'unused');
    expect(first.tookOverStale).toBe(false);
    first.release();
    expect(acquireLock(path, () => 'unused').tookOverStale).toBe(false);
  });
});

describe('wanted state', () => {
  const servers = [
    { name: 'a', disabled: false },
    { name: 'b', disabled: false },
    { name: 'off', disabled: true },
  ];

  it('with nothing saved, every enabled server', () => {
    expect(new WantedState(join(dir, 'state.json'), new StorageProblems()).toStart(servers)).toEqual(['a', 'b']);
  });

  it('survives a restart: stopped ones stay stopped, started disabled ones start', () => {
    const file = join(dir, 'state.json');
    const wanted = new WantedState(file, new StorageProblems());
    wanted.record(['b'], 'stopped');
    wanted.record(['off'], 'started');
    expect(new WantedState(file, new StorageProblems()).toStart(servers)).toEqual(['a', 'off']);
  });

  it('a corrupt file counts as nothing saved', () => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '{not json');
    expect(new WantedState(file, new StorageProblems()).toStart(servers)).toEqual(['a', 'b']);
  });
});

describe('process groups', () => {
  it('records and releases groups on disk', () => {
    const file = join(dir, 'groups.json');
    const registry = new GroupRegistry(file, new StorageProblems());
    registry.spawned('a', process.pid);
    expect(readGroupRecords(file)).toEqual([{ server: 'a', pgid: process.pid, startTime: processStartTime(process.pid) }]);
    registry.released('a', process.pid);
    expect(readGroupRecords(file)).toEqual([]);
  });

  it('a live leader with another start time is not ours (pid reuse)', () => {
    expect(isOrphanGroup({ server: 'a', pgid: process.pid, startTime: 'other' })).toBe(false);
    expect(isOrphanGroup({ server: 'a', pgid: process.pid, startTime: processStartTime(process.pid) })).toBe(true);
    expect(isOrphanGroup({ server: 'a', pgid: 2 ** 22 + 11, startTime: '1' })).toBe(false);
  });

  it('reaps a recorded group, children included, even one that ignores SIGTERM', async () => {
    const file = join(dir, 'groups.json');
    const leader = spawn('sh', ['-c', 'trap "" TERM; sleep 60 & sleep 60 & wait'], { detached: true, stdio: 'ignore' });
    await eventually(() => processStartTime(leader.pid!) !== null, 2_000, 'the leader to run');
    new GroupRegistry(file, new StorageProblems()).spawned('stubborn', leader.pid!);
    const reaped = await reapOrphans(file, 'owner', 200);
    expect(reaped.groups.map((g) => g.server)).toEqual(['stubborn']);
    await eventually(() => !isAlive(leader.pid!), 2_000, 'the group to be gone');
    expect(readGroupRecords(file)).toEqual([]);
  });

  it("reaps processes carrying this home's marker that left their group, and leaves other homes' alone", async () => {
    const file = join(dir, 'groups.json');
    const run = (owner: string) =>
      spawn('sleep', ['60'], { detached: true, stdio: 'ignore', env: { ...process.env, [MARK_VARIABLE]: serverMark(owner, 'a/b') } });
    const ours = run('deadbeef');
    const theirs = run('cafebabe');
    await eventually(() => processStartTime(ours.pid!) !== null && processStartTime(theirs.pid!) !== null, 2_000, 'both to run');
    const reaped = await reapOrphans(file, 'deadbeef', 200);
    expect(reaped.escaped).toEqual([ours.pid]);
    await eventually(() => !isAlive(ours.pid!), 2_000, 'the marked process to be gone');
    expect(isAlive(theirs.pid!)).toBe(true);
    theirs.kill('SIGKILL');
  });
});

describe('state files on a disk that fails', () => {
  it('keeps the groups in memory, never throws, reports one problem, and writes once the folder can be made', async () => {
    // A path under a regular file cannot be written (ENOTDIR) until the file is gone.
    const blocker = join(dir, 'home');
    writeFileSync(blocker, '');
    const file = join(blocker, 'groups.json');
    const seen: string[] = [];
    const problems = new StorageProblems({
      failed: (path, error) => seen.push(`failed ${path}: ${error}`),
      recovered: (path) => seen.push(`recovered ${path}`),
    });
    const registry = new GroupRegistry(file, problems);
    expect(() => registry.spawned('a', process.pid)).not.toThrow();
    expect(() => registry.spawned('b', process.ppid)).not.toThrow();
    expect(seen).toEqual([`failed ${file}: not a directory (ENOTDIR)`]);
    expect(problems.list()).toEqual([expect.objectContaining({ path: file, error: 'not a directory (ENOTDIR)' })]);
    rmSync(blocker);
    await eventually(() => readGroupRecords(file).length === 2, 3_000, 'the retry to write both groups');
    expect(seen.at(-1)).toBe(`recovered ${file}`);
    expect(problems.list()).toEqual([]);
    registry.close();
  });
});
