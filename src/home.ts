/**
 * Where orch keeps its state: `$ORCH_HOME`, `~/.orch` by default. Private: its folders are 0700 and
 * every file in them 0600, since logs hold whatever a server prints, secrets included.
 */
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fsReason, OrchError } from './errors.js';

export interface OrchHome {
  root: string;
  logsDir: string;
  eventsFile: string;
  orchestratorLog: string;
  daemonFile: string;
  tokenFile: string;
  lockFile: string;
  groupsFile: string;
  wantedFile: string;
  configFile: string;
  /** The key that signs gateway session ids, so a restarted daemon accepts its clients' sessions. */
  sessionKeyFile: string;
}

export function resolveHome(env: NodeJS.ProcessEnv = process.env): OrchHome {
  const root = resolve(env.ORCH_HOME || join(homedir(), '.orch'));
  const logsDir = join(root, 'logs');
  return {
    root,
    logsDir,
    eventsFile: join(root, 'events.jsonl'),
    orchestratorLog: join(root, 'orchestrator.log'),
    daemonFile: join(root, 'daemon.json'),
    tokenFile: join(root, 'token'),
    lockFile: join(root, 'daemon.lock'),
    groupsFile: join(root, 'groups.json'),
    wantedFile: join(root, 'state.json'),
    configFile: join(root, 'config.json'),
    sessionKeyFile: join(root, 'session.key'),
  };
}

/**
 * Makes `$ORCH_HOME` and `logs/` private folders. A home that cannot be created or written is one
 * clear error: without it there is no token and no daemon.json, so no client could find the daemon.
 * A `logs/` that cannot be made is left to {@link logsProblem}: the daemon supervises without it.
 */
export function ensureHome(home: OrchHome): OrchHome {
  try {
    makePrivateFolder(home.root);
    probeWrite(home.root);
  } catch (error) {
    throw new OrchError('DAEMON_FAILED', `cannot keep orch's state in ${home.root}: ${fsReason(error)}; set ORCH_HOME to a writable folder`);
  }
  try {
    makePrivateFolder(home.logsDir);
  } catch {
    // Reported by logsProblem; the daemon retries its log files on its own.
  }
  return home;
}

/** Why server logs cannot be written to `logs/` right now, or undefined when they can. */
export function logsProblem(home: OrchHome): string | undefined {
  try {
    probeWrite(home.logsDir);
    return undefined;
  } catch (error) {
    return `cannot write server logs in ${home.logsDir}: ${fsReason(error)}`;
  }
}

/**
 * Creates the folder 0700, and tightens one an older orch left open. Only a folder of ours, and never
 * a shared one (sticky, like /tmp) or the home directory itself, should ORCH_HOME point there.
 */
function makePrivateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const { mode, uid } = statSync(path);
  const ours = uid === process.getuid?.() && (mode & 0o1000) === 0 && path !== homedir();
  if (ours && (mode & 0o077) !== 0) chmodSync(path, 0o700);
}

/** Writes and removes a one-byte file: catches a read-only mount or a full disk, as root too. */
function probeWrite(folder: string): void {
  const probe = join(folder, `.probe-${process.pid}`);
  try {
    writeFileSync(probe, '.', { mode: 0o600 });
  } finally {
    rmSync(probe, { force: true });
  }
}
