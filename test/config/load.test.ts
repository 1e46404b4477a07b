import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DEFAULT_POLICY } from '../../src/config/policy.js';
import { OrchError } from '../../src/errors.js';

const parse = (value: unknown, env: NodeJS.ProcessEnv = {}) =>
  parseConfig(typeof value === 'string' ? value : JSON.stringify(value), '/cfg/mcp.json', env);

function errorOf(fn: () => unknown): OrchError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OrchError) return error;
    throw error;
  }
  throw new Error('expected an OrchError');
}

describe('config loading', () => {
  it('reads Claude-style mcpServers with the default policy', () => {
    const config = parse({ mcpServers: { memory: { command: 'npx', args: ['-y', 'server-memory'] } } });
    expect(config.port).toBe(5000);
    expect(config.servers).toEqual([
      { name: 'memory', command: 'npx', args: ['-y', 'server-memory'], env: {}, cwd: undefined, disabled: false, policy: DEFAULT_POLICY },
    ]);
  });

  it('reads VS Code-style servers, with comments and trailing commas', () => {
    const config = parse(`{
      // VS Code allows comments
      "servers": { "fs": { "type": "stdio", "command": "node", "args": ["fs.js",], }, },
    }`);
    expect(config.servers.map((s) => s.name)).toEqual(['fs']);
  });

  it('expands ${VAR} and ${VAR:-default} in command, args, env and cwd', () => {
    const config = parse(
      {
        mcpServers: {
          a: {
            command: '${BIN}/node',
            args: ['--port=${PORT:-8080}', '${HOME}'],
            env: { TOKEN: '${TOKEN}' },
            cwd: '${WORK:-work}',
          },
        },
      },
      { BIN: '/usr/bin', HOME: '/home/u', TOKEN: 's3cret' },
    );
    expect(config.servers[0]).toMatchObject({
      command: '/usr/bin/node',
      args: ['--port=8080', '/home/u'],
      env: { TOKEN: 's3cret' },
      cwd: '/cfg/work',
    });
  });

  it('names an unset variable and where it is used', () => {
    const error = errorOf(() => parse({ mcpServers: { gh: { command: 'x', env: { T: '${GITHUB_TOKEN}' } } } }));
    expect(error.message).toBe(
      '/cfg/mcp.json: mcpServers.gh.env.T: ${GITHUB_TOKEN} is not set (write ${GITHUB_TOKEN:-fallback} to give it a default)',
    );
  });

  it('keeps disabled servers, marked, and reports remote ones apart', () => {
    const config = parse({
      mcpServers: { off: { command: 'x', disabled: true }, remote: { type: 'http', url: 'https://example.test/mcp' } },
    });
    expect(config.servers.map((s) => [s.name, s.disabled])).toEqual([['off', true]]);
    expect(config.remote).toEqual([{ name: 'remote', url: 'https://example.test/mcp', transport: 'http' }]);
  });

  it('overlays defaults and per-server overrides on the policy', () => {
    const config = parse({
      mcpServers: { memory: { command: 'x' }, other: { command: 'y' } },
      orchestrator: {
        port: 0,
        defaults: { health: { intervalMs: 5_000 }, protocol: 'legacy' },
        servers: { memory: { health: { memoryBytes: 268_435_456 } } },
      },
    });
    expect(config.port).toBe(0);
    const [memory, other] = config.servers;
    expect(memory!.policy.health).toEqual({ ...DEFAULT_POLICY.health, intervalMs: 5_000, memoryBytes: 268_435_456 });
    expect(other!.policy.health.memoryBytes).toBe(DEFAULT_POLICY.health.memoryBytes);
    expect(other!.policy.protocol).toBe('legacy');
  });

  it('names the file, the JSON path and what was expected', () => {
    const error = errorOf(() =>
      parse({ mcpServers: { a: { command: 'x' } }, orchestrator: { defaults: { health: { intervalMs: '10s' } } } }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('/cfg/mcp.json: orchestrator.defaults.health.intervalMs: expected number');
  });

  it('catches a misspelt policy key', () => {
    const error = errorOf(() => parse({ orchestrator: { defaults: { restart: { maxRestart: 3 } } } }));
    expect(error.message).toBe('/cfg/mcp.json: orchestrator.defaults.restart: unknown key "maxRestart"');
  });

  it('rejects an override for a server that does not exist, listing the known ones', () => {
    const error = errorOf(() => parse({ mcpServers: { memory: { command: 'x' } }, orchestrator: { servers: { memroy: {} } } }));
    expect(error.message).toBe('/cfg/mcp.json: orchestrator.servers.memroy: no server is named "memroy" (known: memory)');
  });

  it('rejects a server with neither command nor url, and non-string args', () => {
    expect(errorOf(() => parse({ mcpServers: { a: {} } })).message).toBe(
      '/cfg/mcp.json: mcpServers.a: expected "command" (a local server) or "url" (a remote one)',
    );
    expect(errorOf(() => parse({ mcpServers: { a: { command: 'x', args: ['ok', 3] } } })).message).toBe(
      '/cfg/mcp.json: mcpServers.a.args[1]: expected string',
    );
  });

  it('gives the line and column of a JSON syntax error', () => {
    const error = errorOf(() => parse('{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}\n'));
    expect(error.code).toBe('CONFIG_SYNTAX');
    expect(error.message).toBe('/cfg/mcp.json:4:5: invalid JSON (comma expected)');
  });

  it('rejects a name that cannot be a file name, and one defined twice', () => {
    expect(errorOf(() => parse({ mcpServers: { 'a/b': { command: 'x' } } })).message).toMatch(
      /mcpServers\["a\/b"\]: server names may hold/,
    );
    expect(errorOf(() => parse({ mcpServers: { a: { command: 'x' } }, servers: { a: { command: 'y' } } })).message).toBe(
      '/cfg/mcp.json: servers.a: "a" is defined in both mcpServers and servers',
    );
  });

  it('reports an empty file', () => {
    expect(errorOf(() => parse('')).message).toBe('/cfg/mcp.json: the file is empty');
  });
});
