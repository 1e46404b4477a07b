import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
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
      {
        name: 'memory',
        command: 'npx',
        args: ['-y', 'server-memory'],
        env: {},
        cwd: undefined,
        disabled: false,
        policy: DEFAULT_POLICY,
        dependsOn: [],
      },
    ]);
    expect(config.groups).toEqual([]);
    expect(config.watch).toBe(false);
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
    expect(config.remote).toMatchObject([{ name: 'remote', url: 'https://example.test/mcp', transport: 'http' }]);
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

  it('rejects a server defined in both mcpServers and servers', () => {
    expect(errorOf(() => parse({ mcpServers: { a: { command: 'x' } }, servers: { a: { command: 'y' } } })).message).toBe(
      '/cfg/mcp.json: servers.a: "a" is defined in both mcpServers and servers',
    );
  });

  it('reports an empty file', () => {
    expect(errorOf(() => parse('')).message).toBe('/cfg/mcp.json: the file is empty');
  });
});

describe('config durations', () => {
  const DURATIONS = [
    ['health', 'intervalMs'],
    ['health', 'timeoutMs'],
    ['restart', 'windowMs'],
    ['restart', 'minUptimeMs'],
    ['restart', 'backoffMs'],
    ['restart', 'maxBackoffMs'],
    ['restart', 'resetAfterMs'],
    ['start', 'timeoutMs'],
    ['stop', 'graceMs'],
    ['stop', 'killTimeoutMs'],
  ] as const;

  it.each(DURATIONS)('rejects %s.%s over 24 h, in the defaults and in a server override', (section, field) => {
    const over = { [section]: { [field]: 3_000_000_000 } };
    expect(errorOf(() => parse({ orchestrator: { defaults: over } })).message).toBe(
      `/cfg/mcp.json: orchestrator.defaults.${section}.${field}: expected at most 86400000 (24 h), got 3000000000`,
    );
    expect(errorOf(() => parse({ mcpServers: { a: { command: 'x' } }, orchestrator: { servers: { a: over } } })).message).toBe(
      `/cfg/mcp.json: orchestrator.servers.a.${section}.${field}: expected at most 86400000 (24 h), got 3000000000`,
    );
  });

  it.each(DURATIONS)('accepts %s.%s of exactly 24 h', (section, field) => {
    const config = parse({ mcpServers: { a: { command: 'x' } }, orchestrator: { defaults: { [section]: { [field]: 86_400_000 } } } });
    expect(config.servers[0]!.policy).toMatchObject({ [section]: { [field]: 86_400_000 } });
  });

  it('rejects a sampling interval over 24 h, and a number past the safe integers with one message', () => {
    expect(errorOf(() => parse({ orchestrator: { sampling: { intervalMs: 86_400_001 } } })).message).toBe(
      '/cfg/mcp.json: orchestrator.sampling.intervalMs: expected at most 86400000 (24 h), got 86400001',
    );
    expect(errorOf(() => parse('{ "orchestrator": { "defaults": { "start": { "timeoutMs": 1e20 } } } }')).message).toBe(
      '/cfg/mcp.json: orchestrator.defaults.start.timeoutMs: expected at most 86400000 (24 h), got 100000000000000000000',
    );
  });

  it('reads restart.minUptimeMs into the policy, and refuses a negative one', () => {
    const config = parse({ mcpServers: { a: { command: 'x' } }, orchestrator: { servers: { a: { restart: { minUptimeMs: 0 } } } } });
    expect(config.servers[0]!.policy.restart).toMatchObject({ minUptimeMs: 0 });
    expect(errorOf(() => parse({ orchestrator: { defaults: { restart: { minUptimeMs: -1 } } } })).message).toMatch(
      /^\/cfg\/mcp\.json: orchestrator\.defaults\.restart\.minUptimeMs: /,
    );
  });
});

describe('config text', () => {
  it('accepts a file that starts with a UTF-8 byte order mark, and counts positions without it', () => {
    expect(parse('\uFEFF{ "mcpServers": { "a": { "command": "x" } } }').servers.map((s) => s.name)).toEqual(['a']);
    const broken = '{ "mcpServers": { "a": { "command": x } } }';
    expect(errorOf(() => parse(broken)).message).toBe('/cfg/mcp.json:1:37: invalid JSON (invalid symbol)');
    expect(errorOf(() => parse(`\uFEFF${broken}`)).message).toBe('/cfg/mcp.json:1:37: invalid JSON (invalid symbol)');
  });

  it('reads a file with a byte order mark from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orch-config-'));
    try {
      const path = join(dir, 'mcp.json');
      await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"mcpServers":{"a":{"command":"x"}}}')]));
      expect((await loadConfig(path, {})).servers.map((s) => s.name)).toEqual(['a']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a server defined twice under mcpServers is an error naming both places', () => {
    const text = '{\n  "mcpServers": {\n    "memory": { "command": "a" },\n    "memory": { "command": "b" }\n  }\n}\n';
    const error = errorOf(() => parse(text));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('/cfg/mcp.json:4:5: duplicate key "memory" (first at 3:5)');
  });

  it('a key repeated anywhere is an error: inside an entry, in env, in the orchestrator key, escaped differently', () => {
    expect(errorOf(() => parse('{"mcpServers":{"a":{"command":"x","command":"y"}}}')).message).toBe(
      '/cfg/mcp.json:1:35: duplicate key "command" (first at 1:21)',
    );
    expect(errorOf(() => parse('{"mcpServers":{"a":{"command":"x","env":{"T":"1","T":"2"}}}}')).message).toBe(
      '/cfg/mcp.json:1:50: duplicate key "T" (first at 1:42)',
    );
    expect(errorOf(() => parse('{"orchestrator":{"port":1},\n"orchestrator":{"port":2}}')).message).toBe(
      '/cfg/mcp.json:2:1: duplicate key "orchestrator" (first at 1:2)',
    );
    expect(errorOf(() => parse('{"mcpServers":{"a":{"command":"x"},"\\u0061":{"command":"y"}}}')).message).toBe(
      '/cfg/mcp.json:1:36: duplicate key "a" (first at 1:16)',
    );
  });

  it('the same key in different objects is fine', () => {
    const config = parse({ mcpServers: { a: { command: 'x', env: { a: '1' } }, b: { command: 'x', env: { a: '2' } } } });
    expect(config.servers.map((s) => s.env)).toEqual([{ a: '1' }, { a: '2' }]);
  });
});

describe('server names', () => {
  const NAMES = [
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'orchestrator',
    '..',
    '.',
    'a/b',
    'github.com/owner/repo',
    'x y',
    'ü',
    '%2F',
    'x'.repeat(300),
  ];

  it('any name a client accepts loads, in order, none vanishing', () => {
    const text = JSON.stringify({ mcpServers: Object.fromEntries(NAMES.map((name, i) => [name, { command: `cmd-${i}` }])) });
    const config = parse(text);
    expect(config.servers.map((s) => s.name)).toEqual(NAMES);
    expect(config.servers.map((s) => s.command)).toEqual(NAMES.map((_, i) => `cmd-${i}`));
    expect(config.servers.every((s) => s.policy.health.intervalMs === DEFAULT_POLICY.health.intervalMs)).toBe(true);
  });

  it('a server named __proto__ or constructor keeps its own fields, and remote ones too', () => {
    const config = parse(`{
      "servers": { "__proto__": { "command": "node", "args": ["p.js"], "env": { "__proto__": "x" } } },
      "mcpServers": { "constructor": { "command": "node", "disabled": true }, "hasOwnProperty": { "url": "https://r.test/mcp" } }
    }`);
    expect(config.servers).toMatchObject([
      { name: 'constructor', command: 'node', args: [], disabled: true },
      { name: '__proto__', command: 'node', args: ['p.js'], disabled: false },
    ]);
    expect(Object.entries(config.servers[1]!.env)).toEqual([['__proto__', 'x']]);
    expect(config.remote).toMatchObject([{ name: 'hasOwnProperty', url: 'https://r.test/mcp', transport: 'http' }]);
  });

  it('orchestrator.servers.__proto__ and .constructor override those servers only', () => {
    const config = parse(`{
      "mcpServers": { "__proto__": { "command": "a" }, "constructor": { "command": "b" }, "plain": { "command": "c" } },
      "orchestrator": { "servers": {
        "__proto__": { "health": { "memoryBytes": 1024 } },
        "constructor": { "start": { "timeoutMs": 5000 } }
      } }
    }`);
    const [proto, ctor, plain] = config.servers;
    expect(proto!.policy.health.memoryBytes).toBe(1024);
    expect(proto!.policy.start.timeoutMs).toBe(DEFAULT_POLICY.start.timeoutMs);
    expect(ctor!.policy.start.timeoutMs).toBe(5000);
    expect(ctor!.policy.health.memoryBytes).toBe(DEFAULT_POLICY.health.memoryBytes);
    expect(plain!.policy).toEqual(DEFAULT_POLICY);
  });

  it('an override for __proto__ or constructor with no such server is an error, not a no-op', () => {
    expect(errorOf(() => parse('{"mcpServers":{"a":{"command":"x"}},"orchestrator":{"servers":{"__proto__":{}}}}')).message).toBe(
      '/cfg/mcp.json: orchestrator.servers.__proto__: no server is named "__proto__" (known: a)',
    );
    expect(errorOf(() => parse('{"mcpServers":{"a":{"command":"x"}},"orchestrator":{"servers":{"constructor":{}}}}')).message).toBe(
      '/cfg/mcp.json: orchestrator.servers.constructor: no server is named "constructor" (known: a)',
    );
  });

  it('a bad entry under a prototype-looking name is reported at its path', () => {
    expect(errorOf(() => parse('{"mcpServers":{"__proto__":{"command":"x","args":[1]}}}')).message).toBe(
      '/cfg/mcp.json: mcpServers.__proto__.args[0]: expected string',
    );
    expect(errorOf(() => parse({ mcpServers: ['a'] })).message).toBe('/cfg/mcp.json: mcpServers: expected object');
  });

  it('rejects only the empty name and control characters, naming the path', () => {
    expect(errorOf(() => parse({ mcpServers: { '': { command: 'x' } } })).message).toBe(
      '/cfg/mcp.json: mcpServers[""]: a server name cannot be empty',
    );
    expect(errorOf(() => parse({ servers: { 'a\nb': { command: 'x' } } })).message).toBe(
      '/cfg/mcp.json: servers["a\\nb"]: a server name cannot hold control characters (found U+000A)',
    );
    expect(errorOf(() => parse({ mcpServers: { 'bell\u0007': { command: 'x' }, 'del\u007f': { command: 'x' } } })).message).toBe(
      [
        '/cfg/mcp.json: mcpServers["bell\\u0007"]: a server name cannot hold control characters (found U+0007)',
        '/cfg/mcp.json: mcpServers["del\\u007f"]: a server name cannot hold control characters (found U+007F)',
      ].join('\n'),
    );
  });

  it('${VAR} reads only variables that are set, never Object.prototype', () => {
    const error = errorOf(() => parse({ mcpServers: { a: { command: 'x', args: ['${constructor}'] } } }, {}));
    expect(error.message).toMatch(/mcpServers\.a\.args\[0\]: \$\{constructor\} is not set/);
    expect(parse({ mcpServers: { a: { command: 'x', args: ['${__proto__:-none}'] } } }, {}).servers[0]!.args).toEqual(['none']);
  });
});
