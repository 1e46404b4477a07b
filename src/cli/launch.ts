/**
 * Starts the daemon in the background for `orch start`, and waits until it answers.
 *
 * Several `orch start` at once each find no daemon and launch one; the lock lets one win. A launched
 * daemon that loses exits with {@link DAEMON_RUNNING_EXIT}, and its CLI uses the winner instead, so
 * every one of them succeeds. A CLI that sees the lock already held does not launch at all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fchmodSync, openSync, readFileSync, statSync } from 'node:fs';
import { readDaemonInfo, readToken } from '../daemon/daemon-file.js';
import { lockOwner } from '../daemon/lock.js';
import { decodeReady, mistakeError, type ReadySignal } from '../daemon/ready-signal.js';
import { fsReason, OrchError } from '../errors.js';
import { logsProblem, type OrchHome } from '../home.js';
import { DaemonClient, findDaemon } from './client.js';
import { daemonOnlyVariables } from './daemon-env.js';

const READY_TIMEOUT_MS = 20_000;
const RECHECK_MS = 250;
/** The fd a launched daemon writes its ready line to once clients can find it (see the daemon's last step). */
export const READY_FD = 3;

/** What `orch daemon` exits with when another daemon holds the lock of its ORCH_HOME (EX_TEMPFAIL). */
export const DAEMON_RUNNING_EXIT = 75;

/** Left out, the daemon resolves them as `orch daemon` does, and a mistake in them comes back on its ready pipe. */
export interface LaunchOptions {
  configPath?: string;
  port?: number | string;
  host?: string;
  initial: 'saved' | 'none';
}

/** The daemon that answers, and whether this call launched it (or found a rival's). */
export interface Launched {
  client: DaemonClient;
  launched: boolean;
}

interface Attempt {
  child: ChildProcess;
  /** Settles when the daemon says it listens (or its pipe closes): no polling in the common case. */
  ready: Promise<void>;
  /** What it said, once it said it. */
  signal: ReadySignal | undefined;
  /** Set once it exited: its exit code, or -1 when a signal ended it. */
  exitCode: number | undefined;
  logStart: number;
  logged: boolean;
}

export async function launchDaemon(home: OrchHome, options: LaunchOptions): Promise<Launched> {
  const problem = logsProblem(home);
  if (problem) process.stderr.write(`orch: warning: ${problem}; servers still run, their logs are not kept on disk\n`);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let attempt: Attempt | undefined;
  while (Date.now() < deadline) {
    const mistake = attempt?.signal && mistakeError(attempt.signal);
    if (mistake) throw mistake;
    const own = attempt && ownDaemon(home, attempt);
    if (own) return { client: own, launched: true };
    const client = await findDaemon(home);
    if (client) return { client, launched: client.info.pid === attempt?.child.pid };
    if (attempt && attempt.exitCode !== undefined && attempt.exitCode !== DAEMON_RUNNING_EXIT) {
      throw new OrchError('DAEMON_FAILED', `the daemon exited at start: ${lastWords(home.orchestratorLog, attempt)}`);
    }
    // Launch when nobody holds the lock: at first, or again when the rival that won it has gone away.
    const ours = attempt !== undefined && attempt.exitCode === undefined;
    if (!ours && lockOwner(home.lockFile) === undefined) attempt = spawnDaemon(home, options, attempt === undefined);
    // A rival's daemon says nothing to this CLI: for that case, look again now and then.
    await Promise.race([attempt?.ready, new Promise((resolve) => setTimeout(resolve, RECHECK_MS))]);
  }
  const owner = lockOwner(home.lockFile);
  const who = owner === undefined ? 'the daemon' : `the daemon (pid ${owner})`;
  throw new OrchError('DAEMON_FAILED', `${who} did not answer within ${READY_TIMEOUT_MS / 1_000} s; see ${home.orchestratorLog}`);
}

/**
 * V8 grows its young generation to 16 MB semi-spaces under a flood of short-lived strings (a server's
 * log lines) and keeps them; capped at 4 MB, a 1 GB stderr flood leaves the daemon ~15 MB larger
 * instead of ~45–65 MB, for a little more scavenging while the flood lasts.
 * Compacting on every full GC: otherwise an idle daemon's old space is left in part-empty pages that
 * V8 keeps (with 100 servers, ~30 MB of heap pages instead of ~22 MB), and its CPU stays within the
 * noise of our runs. `--optimize-for-size` saves as much and costs ~15 % more CPU.
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=4', '--compact-on-every-full-gc'];

function spawnDaemon(home: OrchHome, options: LaunchOptions, warn: boolean): Attempt {
  const logStart = fileSize(home.orchestratorLog);
  const out = openOutput(home.orchestratorLog, warn);
  const args = [
    ...DAEMON_NODE_FLAGS,
    // The same entry point and loader this CLI runs with (the compiled bin, or tsx in development).
    ...process.execArgv,
    process.argv[1]!,
    'daemon',
    ...(options.configPath === undefined ? [] : ['--config', options.configPath]),
    ...(options.host === undefined ? [] : ['--host', options.host]),
    '--initial',
    options.initial,
    ...(options.port === undefined ? [] : ['--port', String(options.port)]),
  ];
  const stdio = out === undefined ? 'ignore' : out;
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', stdio, stdio, 'pipe'],
    env: { ...process.env, ...daemonOnlyVariables(process.env), ORCH_READY_FD: String(READY_FD) },
  });
  if (out !== undefined) closeSync(out);
  const signal = child.stdio[READY_FD] as NodeJS.ReadableStream & { destroy(): void };
  let said = '';
  const ready = new Promise<void>((resolve) => {
    const done = () => {
      signal.destroy();
      resolve();
    };
    signal.on('data', (chunk: Buffer) => {
      said += chunk.toString('utf8');
      if (!said.includes('\n')) return;
      attempt.signal = decodeReady(said);
      done();
    });
    signal.once('end', done);
    signal.once('error', done);
  });
  const attempt: Attempt = { child, ready, signal: undefined, exitCode: undefined, logStart, logged: out !== undefined };
  child.once('exit', (code) => {
    attempt.exitCode = code ?? -1;
  });
  child.unref();
  return attempt;
}

/**
 * The daemon this attempt launched, once it said it is ready: it has written daemon.json by then, so
 * no request is needed to know that it answers.
 */
function ownDaemon(home: OrchHome, attempt: Attempt): DaemonClient | undefined {
  if (attempt.signal === undefined) return undefined;
  const info = readDaemonInfo(home.daemonFile);
  const token = readToken(home.tokenFile);
  return info !== undefined && info.pid === attempt.child.pid && token ? new DaemonClient(info, token) : undefined;
}

/**
 * The daemon's stdout and stderr (a crash's stack lands there), private like every file orch writes.
 * Undefined when the file cannot be opened: the daemon then runs with its output ignored, since
 * supervising matters more than its log.
 */
function openOutput(path: string, warn: boolean): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (error) {
    if (warn) process.stderr.write(`orch: warning: cannot write ${path}: ${fsReason(error)}; the daemon runs without it\n`);
    return undefined;
  }
  try {
    // `mode` applies only to a new file: an older orch left it 0644.
    fchmodSync(fd, 0o600);
  } catch {
    // Not ours to change; the daemon writes to it all the same.
  }
  return fd;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The daemon's last words since it was launched: its own error line (tagged with its pid) when it wrote one. */
function lastWords(path: string, attempt: Attempt): string {
  const code = attempt.exitCode === -1 ? 'killed by a signal' : `exit code ${attempt.exitCode}`;
  if (!attempt.logged) return `${code}; its output could not be written to ${path}`;
  const tag = `orch[${attempt.child.pid}]: `;
  try {
    const lines = readFileSync(path).subarray(attempt.logStart).toString('utf8').trim().split('\n').filter(Boolean);
    const own = [...lines].reverse().find((line) => line.startsWith(tag));
    return own?.slice(tag.length) ?? lines.at(-1) ?? `no output, ${code}`;
  } catch {
    return `no output, ${code}`;
  }
}
