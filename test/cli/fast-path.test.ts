/** The shapes the bin answers before cac loads, and the version line it prints in cac's place. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCLI } from '../../src/cli/cli.js';
import { fastCommand, runFastPath } from '../../src/cli/fast-path.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fastCommand', () => {
  it('takes status with names and --json anywhere, each name once', () => {
    expect(fastCommand(['status'])).toEqual({ verb: 'status', names: [], json: false });
    expect(fastCommand(['status', 'b', '--json', 'a', 'b'])).toEqual({ verb: 'status', names: ['b', 'a'], json: true });
    expect(fastCommand(['status', 'all', '--json', '--json'])).toEqual({ verb: 'status', names: ['all'], json: true });
  });

  it('takes --version and -v alone', () => {
    expect(fastCommand(['--version'])).toEqual({ verb: 'version' });
    expect(fastCommand(['-v'])).toEqual({ verb: 'version' });
  });

  it.each([[[]], [['start']], [['status', '--server', 'a']], [['status', '--help']], [['status', '--no-json']], [['status', '--', 'a']], [['-v', 'status']], [['--json', 'status']]])(
    'leaves %j to the full CLI',
    (args) => {
      expect(fastCommand(args)).toBeUndefined();
    },
  );
});

describe('runFastPath', () => {
  it('prints the version line cac prints', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'info').mockImplementation((line: string) => void lines.push(`${line}\n`));
    createCLI().parse(['node', 'orch', '--version']);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    // Its handlers for a closed output are not for the test runner's own streams.
    vi.spyOn(process.stdout, 'on').mockReturnValue(process.stdout);
    vi.spyOn(process.stderr, 'on').mockReturnValue(process.stderr);
    expect(await runFastPath(['node', 'orch', '-v'])).toBe(true);
    expect(write.mock.calls).toEqual([[lines[0]]]);
  });

  it('answers false for what it does not know, and touches nothing', async () => {
    const on = vi.spyOn(process.stdout, 'on').mockReturnValue(process.stdout);
    expect(await runFastPath(['node', 'orch', 'viz'])).toBe(false);
    expect(on).not.toHaveBeenCalled();
  });
});
