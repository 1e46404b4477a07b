/** The daemon lock under a race: many processes taking it at the same instant, over a stale lock or none. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LOCK_MODULE = fileURLToPath(new URL('../../src/daemon/lock.ts', import.meta.url));
const RACERS = 8;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One process that waits for the shared start instant, tries the lock once and prints `won` or
 * `lost: …`; a winner keeps the lock (stays alive) until its stdin closes, so a racer that starts late
 * still finds it held rather than stale.
 */
const RACER = `
import { acquireLock } from ${JSON.stringify(LOCK_MODULE)};
const [path, startAt] = process.argv.slice(1);
while (Date.now() < Number(startAt)) {}
try {
  acquireLock(path, (pid) => 'held by ' + pid);
  process.stdout.write('won');
  process.stdin.resume().on('end', () => process.exit());
} catch (error) {
  process.stdout.write('lost: ' + error.message);
}
`;

interface Racer {
  /** What it printed, once it has. */
  result: Promise<string>;
  exited: Promise<void>;
  done(): void;
}

function racer(path: string, startAt: number): Racer {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RACER, path, String(startAt)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const result = new Promise<string>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => resolve((output += chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    void exited.then(() => resolve(output));
  });
  return { result, exited, done: () => child.stdin.end() };
}

async function raceAll(path: string): Promise<string[]> {
  // Far enough ahead that the racers have loaded the module and spin towards the same instant.
  const startAt = Date.now() + 2_500;
  const racers = Array.from({ length: RACERS }, () => racer(path, startAt));
  const results = await Promise.all(racers.map((r) => r.result));
  for (const r of racers) r.done();
  await Promise.all(racers.map((r) => r.exited));
  return results;
}

describe('daemon lock race', () => {
  it('exactly one of many simultaneous takers wins a free lock', async () => {
    const path = join(dir, 'daemon.lock');
    const results = await raceAll(path);
    expect(results.filter((r) => r === 'won'), results.join('\n')).toHaveLength(1);
    expect(results.filter((r) => r.startsWith('lost: held by')), results.join('\n')).toHaveLength(RACERS - 1);
  });

  it('exactly one of many simultaneous takers wins over a stale lock, and no temporary file is left', async () => {
    const path = join(dir, 'daemon.lock');
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 7, startTime: '1' }));
    const results = await raceAll(path);
    expect(results.filter((r) => r === 'won'), results.join('\n')).toHaveLength(1);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir)).toEqual(['daemon.lock']);
  });
});
