/** Starts the daemon in the background for `orch start`, and waits until it answers. */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { OrchError } from '../errors.js';
import type { OrchHome } from '../home.js';
import { findDaemon, type DaemonClient } from './client.js';

const READY_TIMEOUT_MS = 20_000;

export interface LaunchOptions {
  configPath: string;
  port: number | undefined;
  host: string;
  initial: 'saved' | 'none';
}

export async function launchDaemon(home: OrchHome, options: LaunchOptions): Promise<DaemonClient> {
  const logStart = fileSize(home.orchestratorLog);
  const out = openSync(home.orchestratorLog, 'a');
  const args = [
    // The same entry point and loader this CLI runs with (the compiled bin, or tsx in development).
    ...process.execArgv,
    process.argv[1]!,
    'daemon',
    '--config',
    options.configPath,
    '--host',
    options.host,
    '--initial',
    options.initial,
    ...(options.port === undefined ? [] : ['--port', String(options.port)]),
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: process.env });
  closeSync(out);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  child.unref();

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new OrchError('DAEMON_FAILED', `the daemon exited at start: ${lastError(home.orchestratorLog, logStart)}`);
    }
    const client = await findDaemon(home);
    if (client && client.info.pid === child.pid) return client;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new OrchError('DAEMON_FAILED', `the daemon did not answer within ${READY_TIMEOUT_MS / 1_000} s; see ${home.orchestratorLog}`);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The daemon's last words since it was launched: its own error line when it wrote one. */
function lastError(path: string, from: number): string {
  try {
    const lines = readFileSync(path).subarray(from).toString('utf8').trim().split('\n').filter(Boolean);
    const orchLine = [...lines].reverse().find((line) => line.startsWith('orch: '));
    return (orchLine ?? lines.at(-1) ?? 'no output').replace(/^orch: /, '');
  } catch {
    return 'no output';
  }
}
