/**
 * The fleet under fault: which fixture servers run, how each is expected to behave, the config that
 * declares them, and the three ways the suite looks at them: the compiled `orch` bin (as a user runs
 * it), the HTTP API (with the token from ORCH_HOME), and `/proc` (every process carrying this home's
 * environment marker, whatever orch believes).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownerOf, readMark } from '../../src/os/marked.js';
import { statFields } from '../../src/os/proc.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The compiled bin: a CLI run every 500 ms from source (tsx) would cost a core on its own. */
export const BIN = join(ROOT, 'bin/orch.js');
export const FIXTURE = join(ROOT, 'test/fixtures/mcp-server.mjs');

export interface Role {
  name: string;
  args: string[];
  /** The config makes it give up: the only servers allowed to end `crashed`. */
  crashLoop: boolean;
  /** Changes state by itself (periodic exits, failing checks): any live state is right for it. */
  moving: boolean;
  /** Processes carrying its marker while it runs: the server, its grandchildren, its escapee. */
  processes: number;
}

export const FLEET: Role[] = [
  { name: 'steady', args: [], crashLoop: false, moving: false, processes: 1 },
  { name: 'family', args: ['--protocol=2026', '--grandchildren=2'], crashLoop: false, moving: false, processes: 3 },
  { name: 'escaper', args: ['--escapee', '--ignore-stdin-close'], crashLoop: false, moving: false, processes: 2 },
  // Exits 2.5 s after each handshake: far past minUptimeMs, so it must be restarted for ever.
  { name: 'sometimes', args: ['--exit-after-ready=2500'], crashLoop: false, moving: true, processes: 1 },
  // 16 MB of stderr and 2 MB of stdout noise after each handshake, and a new start every ~6 s.
  { name: 'flooder', args: ['--stderr-flood=16000000', '--stdout-flood=2000000', '--exit-after-ready=6000'], crashLoop: false, moving: true, processes: 1 },
  // Stops answering pings after six, and ignores SIGTERM and a closed stdin: restarted by its checks, killed by SIGKILL.
  { name: 'hanger', args: ['--stop-answering-after=6', '--ignore-sigterm', '--ignore-stdin-close'], crashLoop: false, moving: true, processes: 1 },
  { name: 'crashloop', args: ['--crash-at-start'], crashLoop: true, moving: false, processes: 0 },
  // Healthy once, then exits 50 ms after every handshake: well within minUptimeMs, so a crash loop too.
  { name: 'lateloop', args: ['--exit-after-ready=50'], crashLoop: true, moving: false, processes: 0 },
];

export const roleOf = (name: string): Role => FLEET.find((role) => role.name === name)!;

/** The short policies of the brief: a crash loop gives up in about a second, a hung server is restarted in about one. */
export const POLICY = {
  health: { intervalMs: 300, timeoutMs: 300, failureThreshold: 2 },
  restart: { maxRestarts: 3, windowMs: 60_000, minUptimeMs: 500, backoffMs: 20, maxBackoffMs: 500 },
  start: { timeoutMs: 3_000 },
  stop: { graceMs: 100, killTimeoutMs: 500 },
};

export function writeFleetConfig(path: string): string {
  const mcpServers = Object.fromEntries(FLEET.map((role) => [role.name, { command: process.execPath, args: [FIXTURE, ...role.args] }]));
  writeFileSync(path, JSON.stringify({ mcpServers, orchestrator: { sampling: { intervalMs: 500 }, defaults: POLICY } }, null, 2));
  return path;
}

export interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  startedAt: number;
  endedAt: number;
  timedOut: boolean;
}

const KEEP_OUTPUT = 8_192;

/** Runs `orch ARGS` to its end (or kills it after `timeoutMs`); never rejects. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliRun> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: string) => {
      output = (output + chunk).slice(-KEEP_OUTPUT);
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({ args, code, signal, output, startedAt, endedAt: Date.now(), timedOut });
    };
    child.on('error', (error) => {
      output += String(error);
      done(null, null);
    });
    child.on('close', done);
  });
}

/** What a CLI run said that no fault excuses: a crash of the CLI or the daemon behind it. */
export function cliComplaint(run: CliRun, allowedCodes: number[] = [0, 1, 3]): string | undefined {
  const what = `\`orch ${run.args.join(' ')}\``;
  if (run.timedOut) return `${what} did not finish within ${run.endedAt - run.startedAt} ms`;
  if (/internal error/i.test(run.output)) return `${what} reported an internal error: ${oneLine(run.output)}`;
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(run.output)) return `${what} printed a stack trace: ${oneLine(run.output)}`;
  if (run.code === null || !allowedCodes.includes(run.code)) return `${what} exited ${run.code ?? run.signal}: ${oneLine(run.output)}`;
  return undefined;
}

export function oneLine(text: string, max = 400): string {
  const flat = text.trim().replace(/\s*\n\s*/g, ' | ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export interface ServerStatus {
  name: string;
  state: string;
  pid: number | null;
  uptimeMs: number | null;
}

export interface Health {
  pid: number;
  rssBytes: number;
  storage: { path: string; error: string }[];
}

export interface Transition {
  server: string;
  from: string;
  to: string;
  reason: string;
  time: number;
}

/** The daemon's API, found afresh on each call: daemons come and go during the run. */
export class Api {
  constructor(private readonly home: string) {}

  daemonPid(): number | undefined {
    try {
      return (JSON.parse(readFileSync(join(this.home, 'daemon.json'), 'utf8')) as { pid: number }).pid;
    } catch {
      return undefined;
    }
  }

  async get<T>(path: string, timeoutMs = 3_000): Promise<T> {
    const info = JSON.parse(readFileSync(join(this.home, 'daemon.json'), 'utf8')) as { port: number };
    const token = readFileSync(join(this.home, 'token'), 'utf8').trim();
    const response = await fetch(`http://127.0.0.1:${info.port}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async servers(): Promise<ServerStatus[]> {
    return (await this.get<{ servers: ServerStatus[] }>('/api/servers')).servers;
  }

  health(): Promise<Health> {
    return this.get<Health>('/api/health');
  }

  /** Newest first. */
  async events(server: string): Promise<Transition[]> {
    return (await this.get<{ events: Transition[] }>(`/api/events?server=${encodeURIComponent(server)}&tail=5`)).events;
  }

  async answers(): Promise<boolean> {
    return this.health().then(
      () => true,
      () => false,
    );
  }
}

export interface MarkedProcess {
  pid: number;
  ppid: number;
  pgid: number;
  server: string;
  /**
   * The server's own process: runs the fixture script and is no child of another marked process (a
   * child between fork and exec still shows its parent's command line).
   */
  main: boolean;
  /** From `/proc/<pid>/stat`: R, S, T (stopped), D… */
  state: string;
}

/** Every live process carrying this home's marker; zombies are dead and do not count. */
export function scanMarked(owner: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const mark = readMark(pid);
    if (mark === undefined || ownerOf(mark) !== owner) continue;
    const stat = readProc(pid, 'stat');
    const fields = stat === undefined ? undefined : statFields(stat);
    if (!fields || fields[0] === 'Z') continue;
    const cmdline = readProc(pid, 'cmdline') ?? '';
    found.push({
      pid,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      server: decodeURIComponent(mark.slice(mark.indexOf('/') + 1)),
      main: cmdline.split('\0').includes(FIXTURE),
      state: fields[0]!,
    });
  }
  const pids = new Set(found.map((p) => p.pid));
  for (const p of found) p.main &&= !pids.has(p.ppid);
  return found;
}

/** Every live `orch daemon` process of this home (the compiled bin's, launched by `orch start`). */
export function scanDaemons(home: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const args = (readProc(pid, 'cmdline') ?? '').split('\0');
    if (!args.includes(BIN) || !args.includes('daemon')) continue;
    const environ = (readProc(pid, 'environ') ?? '').split('\0');
    const stat = readProc(pid, 'stat');
    if (environ.includes(`ORCH_HOME=${home}`) && stat !== undefined && statFields(stat)?.[0] !== 'Z') found.push(pid);
  }
  return found;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether `pid` still runs as a process of `server` of this home (not a reused pid). */
export function isServerProcess(pid: number, owner: string, server: string): boolean {
  const mark = readMark(pid);
  return mark !== undefined && ownerOf(mark) === owner && decodeURIComponent(mark.slice(mark.indexOf('/') + 1)) === server;
}

export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls a condition only the OS or the daemon can decide; false when it did not hold within `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
