import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretCommand } from '../../src/cli/commands/secret.js';

const piped = (text: string) => Readable.from([text]) as unknown as NodeJS.ReadStream;

describe('orch secret', () => {
  let home: string;
  let out: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'orch-secret-'));
    vi.stubEnv('ORCH_HOME', home);
    out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    rmSync(home, { recursive: true, force: true });
  });

  it('stores a piped value 0600, lists ids only, and unsets', async () => {
    await secretCommand('set', 'api-key', piped('s3cret\n'));
    await secretCommand('set', 'b.token', piped('other'));
    const file = join(home, 'secrets.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'api-key': 's3cret', 'b.token': 'other' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    out = '';
    await secretCommand('list', undefined);
    expect(out).toBe('api-key\nb.token\n');
    await secretCommand('unset', 'api-key');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'b.token': 'other' });
    expect(out).not.toContain('s3cret');
  });

  it('refuses an empty value, a bad id and an unknown action', async () => {
    await expect(secretCommand('set', 'k', piped('\n'))).rejects.toThrow('no value for k on stdin');
    await expect(secretCommand('set', 'a b', piped('v'))).rejects.toThrow('needs an input id');
    await expect(secretCommand('show', 'k')).rejects.toThrow('unknown action "show" (set, unset or list)');
    await expect(secretCommand('unset', 'k')).rejects.toThrow('no secret is stored for k');
  });
});
