import { mkdtemp, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expandVariables } from '../../src/config/expand.js';
import { inputEnvName, readSecrets, writeSecrets } from '../../src/config/inputs.js';
import { loadConfig, parseConfig, type ConfigSources } from '../../src/config/load.js';
import { OrchError } from '../../src/errors.js';

const server = (entry: Record<string, unknown>) => JSON.stringify({ servers: { x: { command: 'node', ...entry } } });
const parse = (entry: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, sources: ConfigSources = {}, path = '/cfg/mcp.json') =>
  parseConfig(server(entry), path, env, { userHome: '/home/u', ...sources }).servers[0]!;

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof OrchError) return error.message;
    throw error;
  }
  throw new Error('expected an OrchError');
}

describe("the clients' variables", () => {
  it('expands ${env:NAME} like ${NAME}, with a default, and ${userHome}', () => {
    const x = parse({ args: ['${env:A}', '${env:B:-b}', '${userHome}/data'], env: { K: '${A}' } }, { A: 'a' });
    expect(x.args).toEqual(['a', 'b', '/home/u/data']);
    expect(x.env).toEqual({ K: 'a' });
    expect(messageOf(() => parse({ args: ['${env:NOPE}'] }))).toBe('/cfg/mcp.json: servers.x.args[0]: ${env:NOPE} is not set (write ${env:NOPE:-fallback} to give it a default)');
  });

  it('refuses a VS Code variable it cannot know rather than pass its text on', () => {
    expect(messageOf(() => parse({ env: { K: '${config:editor.x}' } }))).toBe(
      '/cfg/mcp.json: servers.x.env.K: ${config:editor.x} is a config: variable, which orch cannot resolve outside the editor',
    );
  });

  it('resolves ${workspaceFolder} for a .vscode/mcp.json only', () => {
    expect(parse({ cwd: '${workspaceFolder}' }, {}, {}, '/ws/.vscode/mcp.json').cwd).toBe('/ws');
    expect(messageOf(() => parse({ args: ['${workspaceFolder}'] }))).toBe(
      '/cfg/mcp.json: servers.x.args[0]: ${workspaceFolder} cannot be resolved: this file is not in a workspace (only a .vscode/mcp.json is)',
    );
  });

  it('reads envFile relative to the config folder, under the entry own env', () => {
    const read = (path: string) => {
      expect(path).toBe('/ws/.env');
      return '# comment\nA=from-file\nB="quoted value"\n';
    };
    const x = parse({ envFile: '${workspaceFolder}/.env', env: { A: 'own' } }, {}, { readFile: read }, '/ws/.vscode/mcp.json');
    expect(x.env).toEqual({ A: 'own', B: 'quoted value' });
    expect(parse({ envFile: '../.env' }, {}, { readFile: read }, '/ws/.vscode/mcp.json').env).toEqual({ A: 'from-file', B: 'quoted value' });
  });

  it('names the envFile it cannot read, and one that is not a path', () => {
    const missing = () => {
      throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    };
    expect(messageOf(() => parse({ envFile: '.env' }, {}, { readFile: missing }))).toBe(
      '/cfg/mcp.json: servers.x.envFile: cannot read /cfg/.env (no such file)',
    );
    expect(messageOf(() => parse({ envFile: 3 }))).toBe('/cfg/mcp.json: servers.x.envFile: expected a file path');
  });

  it('takes ${input:ID} from ORCH_INPUT_ID first, then the secret store', () => {
    expect(inputEnvName('api-key')).toBe('ORCH_INPUT_API_KEY');
    const entry = { env: { KEY: '${input:api-key}' } };
    expect(parse(entry, {}, { secrets: { 'api-key': 'stored' } }).env).toEqual({ KEY: 'stored' });
    expect(parse(entry, { ORCH_INPUT_API_KEY: 'env' }, { secrets: { 'api-key': 'stored' } }).env).toEqual({ KEY: 'env' });
  });

  it('keeps a server whose input has no value, disabled, unavailable, without the unresolved variable', () => {
    const x = parse({ args: ['--token', '${input:token}'], env: { KEY: '${input:api-key}', OTHER: 'kept' } });
    expect(x.disabled).toBe(true);
    expect(x.unavailable).toBe('needs inputs api-key, token: orch secret set api-key, orch secret set token');
    expect(x.env).toEqual({ OTHER: 'kept' });
    expect(JSON.stringify(x)).not.toContain('${');
  });

  it('leaves webhooks to plain variables: an input there is a problem, not a crash', () => {
    expect(() => expandVariables('${input:x}', { env: {} })).toThrow('${input:x} has no value (orch secret set x)');
  });
});

describe('loadConfig with envFile and the secret store', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads a workspace .env and $ORCH_HOME/secrets.json', async () => {
    dir = await mkdtemp(join(tmpdir(), 'orch-vars-'));
    const home = join(dir, 'orch');
    await mkdir(join(dir, 'ws', '.vscode'), { recursive: true });
    await mkdir(home);
    await writeFile(join(dir, 'ws', '.env'), 'FROM_FILE=1\n');
    const path = join(dir, 'ws', '.vscode', 'mcp.json');
    await writeFile(path, server({ envFile: '${workspaceFolder}/.env', env: { KEY: '${input:api-key}' } }));
    writeSecrets(join(home, 'secrets.json'), { 'api-key': 's3cret' });
    expect((await stat(join(home, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(readSecrets(join(home, 'secrets.json'))).toEqual({ 'api-key': 's3cret' });
    const config = await loadConfig(path, { ORCH_HOME: home });
    expect(config.servers[0]).toMatchObject({ env: { FROM_FILE: '1', KEY: 's3cret' }, disabled: false });
    await rm(join(dir, 'ws', '.env'));
    await expect(loadConfig(path, { ORCH_HOME: home })).rejects.toThrow(/servers\.x\.envFile: cannot read .*ws\/\.env \(no such file\)$/);
  });
});
