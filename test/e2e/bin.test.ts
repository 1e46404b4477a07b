/** The compiled `orch` bin, as npm installs it: it must run, not only the sources under tsx. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { createSandbox } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));
const run = promisify(execFile);

describe('the orch bin (dist/)', () => {
  it('answers status and --version from its entry alone: builtins and the split build\'s entries are all it imports, and no schema library', () => {
    const entry = readFileSync(fileURLToPath(new URL('../../dist/orch.js', import.meta.url)), 'utf8');
    const specifiers = [...entry.matchAll(/(?:from |import\(?)\s*["']([^"']+)["']/g)].map((match) => match[1]!);
    // The full CLI, and what `orch start` and its daemon run without cac: each loaded only by its command.
    expect(new Set(specifiers.filter((specifier) => !specifier.startsWith('node:')))).toEqual(new Set(['./cli.js', './daemon.js', './start.js']));
    expect(entry).not.toMatch(/^import .* from "\.\//m);
    // Zod alone is ~700 KB: a few tens of KB means the status path still loads only what it needs.
    expect(entry.length).toBeLessThan(64 * 1024);
  });

  it('prints its version and help', async () => {
    expect((await run(process.execPath, [BIN, '--version'])).stdout).toContain(`orch/${VERSION}`);
    const help = (await run(process.execPath, [BIN, '--help'])).stdout;
    for (const verb of ['start', 'stop', 'restart', 'status', 'logs', 'dashboard', 'monitor', 'shutdown', 'viz']) expect(help).toContain(verb);
  });

  it('prints the statechart, and talks to no daemon without failing badly', async () => {
    expect((await run(process.execPath, [BIN, 'viz'])).stdout).toMatch(/^stateDiagram-v2\n/);
    const sandbox = createSandbox();
    try {
      const error = await run(process.execPath, [BIN, 'status'], { env: sandbox.env }).catch((e: { code: number; stderr: string }) => e);
      expect(error).toMatchObject({ code: 1 });
      expect((error as { stderr: string }).stderr).toMatch(/^orch: no orch daemon is running/);
    } finally {
      sandbox.remove();
    }
  });
});
