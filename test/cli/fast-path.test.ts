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

  it('takes start with names, --json and one --config', () => {
    expect(fastCommand(['start'])).toEqual({ verb: 'start', names: [], json: false });
    expect(fastCommand(['start', 'b', '--config', 'x.json', 'a', 'b', '--json'])).toEqual({ verb: 'start', names: ['b', 'a'], json: true, config: 'x.json' });
  });

  it('takes the daemon as `orch start` launches it', () => {
    const args = ['daemon', '--config', 'c.json', '--host', '127.0.0.1', '--initial', 'none', '--port', '0'];
    expect(fastCommand(args)).toEqual({ verb: 'daemon', flags: { config: 'c.json', host: '127.0.0.1', initial: 'none', port: '0' } });
    expect(fastCommand(['daemon'])).toEqual({ verb: 'daemon', flags: {} });
  });

  it.each([
    [[]],
    [['start', '--server', 'a']],
    [['start', '--config']],
    [['start', '--config', 'a', '--config', 'b']],
    [['start', '--port', '0']],
    [['start', '--help']],
    [['daemon', '--config']],
    [['daemon', '--config', 'a', '--config', 'b']],
    [['daemon', '--initial', 'none', '--foreground', 'x']],
    [['daemon', '--start', 'a']],
    [['daemon', '--help']],
    [['status', '--server', 'a']], [['status', '--help']], [['status', '--no-json']], [['status', '--', 'a']], [['-v', 'status']], [['--json', 'status']]])(
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
