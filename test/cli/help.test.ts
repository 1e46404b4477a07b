/** `--help` of the verbs: an example each, and no default printed for a `--no-x` switch. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCLI, runCLI } from '../../src/cli/cli.js';

const help = async (verb: string) => {
  let text = '';
  vi.spyOn(console, 'info').mockImplementation((line: string) => void (text += `${line}\n`));
  await runCLI(['node', 'orch', verb, '--help']);
  return text;
};

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('orch VERB --help', () => {
  const verbs = ['start', 'stop', 'restart', 'status', 'reload', 'hooks', 'health', 'dashboard', 'shutdown'];

  it.each(verbs)('%s shows an example', async (verb) => {
    expect(await help(verb)).toMatch(/\nExamples:\norch \S/);
  });

  it('--no-open reads as a switch, not as "(default: true)"', async () => {
    const text = await help('dashboard');
    expect(text).toMatch(/--no-open +Only print the link\n/);
    expect(text).not.toContain('(default: true)');
  });

  it('every verb that takes names takes --server too', () => {
    const withNames = createCLI().commands.filter((command) => command.args.some((arg) => arg.value === 'names'));
    expect(withNames.map((command) => command.name)).toEqual(expect.arrayContaining(['start', 'stop', 'restart', 'status']));
    for (const command of withNames) expect(command.hasOption('server'), command.name).toBeTruthy();
  });
});
