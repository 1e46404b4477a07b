/**
 * What must hold once the faults have stopped and the disk is free: each server where the user's last
 * command and its role put it, in the state its own history ends in, no process outside a live
 * server, the daemon's memory and the log folder within bounds, and nothing at all after shutdown.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Wanted } from './faults.js';
import { Api, FLEET, scanDaemons, scanMarked, sleep, until, type Role, type ServerStatus } from './fleet.js';

/** An idle daemon with this fleet sits near 90 MB; issue 10 wants a flood to move it by at most 64 MB. 200 MB leaves room for the log rings (8 servers × 1,000 lines) and GC slack, and is far below the 250–700 MB the unbounded writer reached. */
export const RSS_BOUND_BYTES = 200 * 2 ** 20;
/** Rotation keeps NAME.log plus 4 older files of 10 MiB; a file may pass its size by the one batch that crossed it. */
export const LOG_FILES_PER_SERVER = 5;
export const LOG_FILE_BYTES = 10 * 2 ** 20;
const LOG_FILE_SLACK = 2 * 2 ** 20;
export const LOG_FOLDER_BOUND = FLEET.length * LOG_FILES_PER_SERVER * (LOG_FILE_BYTES + LOG_FILE_SLACK);

const LIVE = ['starting', 'running', 'unhealthy', 'backoff', 'stopping'];
const HAS_PROCESS = new Set(['starting', 'running', 'unhealthy', 'stopping']);

/** The states a server may rest in, given its role and what the user last asked of it. */
export function restingStates(role: Role, wanted: Wanted): string[] {
  const up = role.crashLoop ? ['crashed'] : role.moving ? LIVE : ['running'];
  if (wanted === 'stopped') return ['stopped'];
  if (wanted === 'either') return [...up, 'stopped'];
  return up;
}

export interface Check {
  name: string;
  detail: string;
  failures: string[];
}

/** Waits until every server rests where it should and its processes are down to its own; the failures if not. */
export async function settle(api: Api, owner: string, wanted: Map<string, Wanted>, timeoutMs: number): Promise<string[]> {
  let problems: string[] = [];
  await until(async () => {
    problems = await restProblems(api, owner, wanted);
    return problems.length === 0;
  }, timeoutMs, 200);
  return problems;
}

async function restProblems(api: Api, owner: string, wanted: Map<string, Wanted>): Promise<string[]> {
  let servers: ServerStatus[];
  try {
    servers = await api.servers();
  } catch (error) {
    return [`the daemon does not answer: ${String(error)}`];
  }
  const problems: string[] = [];
  const marked = scanMarked(owner);
  for (const role of FLEET) {
    const status = servers.find((s) => s.name === role.name);
    const want = wanted.get(role.name) ?? 'running';
    const allowed = restingStates(role, want);
    if (!status) problems.push(`${role.name}: missing from the daemon's list`);
    else if (!allowed.includes(status.state)) problems.push(`${role.name} is ${status.state}; expected ${allowed.join(' or ')} (last asked: ${want})`);
    const own = marked.filter((p) => p.server === role.name);
    const limit = status && HAS_PROCESS.has(status.state) ? role.processes : 0;
    if (own.length > limit) {
      problems.push(`${role.name} (${status?.state ?? '?'}) has ${own.length} processes, at most ${limit} expected: pids ${own.map((p) => p.pid).join(', ')}`);
    }
  }
  for (const p of marked.filter((p) => !FLEET.some((role) => role.name === p.server))) problems.push(`pid ${p.pid} carries an unknown server's marker (${p.server})`);
  return problems;
}

/** Invariant 3: each server's state is the `to` of its latest event (read when no event came in between), and only crash loops end `crashed`. */
export async function checkHistory(api: Api): Promise<Check> {
  const failures: string[] = [];
  for (const role of FLEET) {
    let compared = false;
    for (let attempt = 0; attempt < 20 && !compared; attempt++) {
      const before = await api.events(role.name);
      const status = (await api.servers()).find((s) => s.name === role.name);
      const after = await api.events(role.name);
      if (!status || JSON.stringify(before[0]) !== JSON.stringify(after[0])) continue;
      compared = true;
      const implied = after[0]?.to ?? 'stopped';
      if (status.state !== implied) failures.push(`${role.name} is ${status.state} but its latest event says ${after[0] ? `${after[0].from} → ${after[0].to} (${after[0].reason})` : 'nothing (so stopped)'}`);
      if (status.state === 'crashed' && !role.crashLoop) failures.push(`${role.name} is crashed, yet its config is no crash loop: ${after[0]?.reason ?? ''}`);
    }
    if (!compared) failures.push(`${role.name}: its events kept changing under 20 reads`);
  }
  return { name: '3 state matches history', detail: `${FLEET.length} servers`, failures };
}

/** Invariant 4: the daemon's RSS throughout and now, and the log folder's files and total. */
export async function checkBounds(api: Api, home: string, maxRssSeen: number, rssSamples: number): Promise<Check> {
  const failures: string[] = [];
  const { rssBytes } = await api.health();
  const worst = Math.max(rssBytes, maxRssSeen);
  if (worst > RSS_BOUND_BYTES) failures.push(`daemon RSS reached ${mib(worst)} (bound ${mib(RSS_BOUND_BYTES)})`);
  const logs = join(home, 'logs');
  const byServer = new Map<string, { files: number; bytes: number }>();
  let total = 0;
  for (const file of safeList(logs)) {
    const size = statSync(join(logs, file)).size;
    total += size;
    const base = file.replace(/\.\d+$/, '');
    const entry = byServer.get(base) ?? { files: 0, bytes: 0 };
    byServer.set(base, { files: entry.files + 1, bytes: entry.bytes + size });
    if (size > LOG_FILE_BYTES + LOG_FILE_SLACK) failures.push(`logs/${file} is ${mib(size)}, over ${mib(LOG_FILE_BYTES)} and its slack`);
  }
  for (const [base, { files }] of byServer) {
    if (files > LOG_FILES_PER_SERVER) failures.push(`${base}: ${files} files, at most ${LOG_FILES_PER_SERVER} expected`);
  }
  if (total > LOG_FOLDER_BOUND) failures.push(`logs/ holds ${mib(total)}, over ${mib(LOG_FOLDER_BOUND)}`);
  const largest = Math.max(0, ...[...byServer.values()].map((s) => s.bytes));
  return {
    name: '4 memory and disk bounded',
    detail: `RSS max ${mib(worst)} over ${rssSamples + 1} samples (≤ ${mib(RSS_BOUND_BYTES)}); logs/ ${mib(total)} in ${[...byServer.values()].reduce((n, s) => n + s.files, 0)} files, largest server ${mib(largest)} (≤ ${mib(LOG_FOLDER_BOUND)})`,
    failures,
  };
}

/** Invariant 1 while a daemon lives: every marked process belongs to a server that has a process. */
export async function checkOwnership(api: Api, owner: string, home: string): Promise<Check> {
  let failures: string[] = [];
  let detail = '';
  // A server that exits by itself may do so between the two reads: only a finding that persists counts.
  for (let attempt = 0; attempt < 10; attempt++) {
    failures = [];
    const daemons = scanDaemons(home);
    if (daemons.length !== 1) failures.push(`${daemons.length} daemons of this home: ${daemons.join(', ')}`);
    const marked = scanMarked(owner);
    const servers = await api.servers();
    for (const p of marked) {
      const state = servers.find((s) => s.name === p.server)?.state;
      if (state === undefined || !HAS_PROCESS.has(state)) failures.push(`pid ${p.pid} of ${p.server} runs while ${p.server} is ${state ?? 'unknown'}`);
    }
    detail = `${marked.length} marked processes under daemon ${daemons.join(', ')}`;
    if (failures.length === 0) break;
    await sleep(200);
  }
  return { name: '1 no process without its server', detail, failures };
}

/** Invariant 1 after `orch shutdown`: no marked process and no daemon. */
export async function checkNothingLeft(owner: string, home: string): Promise<string[]> {
  const gone = () => scanMarked(owner).length === 0 && scanDaemons(home).length === 0;
  if (await until(gone, 5_000)) return [];
  const left = scanMarked(owner).map((p) => `${p.pid} (${p.server}${p.main ? '' : ', child'}, parent ${p.ppid})`);
  const daemons = scanDaemons(home);
  return [`after orch shutdown: ${left.length} marked processes left [${left.join(', ')}], daemons left [${daemons.join(', ')}]`];
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
