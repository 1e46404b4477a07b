/** Runs the `orch` CLI from source as a user would run the bin, in a throwaway ORCH_HOME. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  home: string;
  env: NodeJS.ProcessEnv;
  /** Writes an MCP config into the sandbox and returns its path. */
  writeConfig(config: unknown, name?: string): string;
  remove(): void;
}

export function createSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'orch-e2e-'));
  const home = join(dir, 'home');
  return {
    home,
    env: { ...process.env, ORCH_HOME: home, NO_COLOR: '1', ORCH_PORT: '0' },
    writeConfig(config, name = 'mcp.json') {
      const path = join(dir, name);
      writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * For a test file whose tests each run a daemon: returns what makes a test's sandbox, and shuts that
 * daemon down and removes the folder after the test, whether it passed or not.
 */
export function sandboxPerTest(): () => Sandbox {
  let current: Sandbox | undefined;
  afterEach(async () => {
    if (current) {
      await runOrch(['shutdown'], current.env);
      current.remove();
    }
    current = undefined;
  });
  return () => (current = createSandbox());
}

export function spawnOrch(args: string[], env: NodeJS.ProcessEnv): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return Object.assign(child, { output: () => output });
}

export function runOrch(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`orch ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves once the child's combined output matches, or rejects with what it printed so far. */
export function waitForOutput(
  child: ChildProcess & { output: () => string },
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(child.output());
      if (!match) return;
      cleanup();
      resolve(match);
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`orch exited before printing ${pattern}:\n${child.output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${child.output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
