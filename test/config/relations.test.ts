/** `orchestrator.groups`, `dependsOn` and `watch`: read in config order, every bad reference named at its path. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DEFAULT_POLICY } from '../../src/config/policy.js';
import { policySchema } from '../../src/config/schema.js';
import { OrchError } from '../../src/errors.js';

const parse = (value: unknown) => parseConfig(typeof value === 'string' ? value : JSON.stringify(value), '/cfg/mcp.json', {});

function messageOf(value: unknown): string {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof OrchError && error.code === 'CONFIG_INVALID') return error.message;
    throw error;
  }
  throw new Error('expected a config error');
}

const servers = (...names: string[]) => Object.fromEntries(names.map((name) => [name, { command: 'x' }]));

describe('groups', () => {
  it('come out in config order with their members, and watch is read', () => {
    const config = parse({
      mcpServers: servers('memory', 'fs', 'db'),
      orchestrator: { groups: { dev: ['memory', 'fs'], data: ['db'], empty: [] }, watch: true },
    });
    expect(config.groups).toEqual([
      { name: 'dev', members: ['memory', 'fs'] },
      { name: 'data', members: ['db'] },
      { name: 'empty', members: [] },
    ]);
    expect(config.watch).toBe(true);
  });

  it('a group may share a server name (@dev names the group), and be called __proto__', () => {
    const config = parse('{"mcpServers":{"dev":{"command":"x"}},"orchestrator":{"groups":{"dev":["dev"],"__proto__":["dev"]}}}');
    expect(config.groups).toEqual([
      { name: 'dev', members: ['dev'] },
      { name: '__proto__', members: ['dev'] },
    ]);
  });

  it('a disabled server may be a member', () => {
    const config = parse({ mcpServers: { off: { command: 'x', disabled: true } }, orchestrator: { groups: { g: ['off'] } } });
    expect(config.groups).toEqual([{ name: 'g', members: ['off'] }]);
  });

  it('an unknown, remote or repeated member is an error at its index', () => {
    const remote = { docs: { url: 'https://example.test/mcp' } };
    expect(messageOf({ mcpServers: servers('memory', 'fs'), orchestrator: { groups: { dev: ['memory', 'fss'] } } })).toBe(
      '/cfg/mcp.json: orchestrator.groups.dev[1]: no server is named "fss" (known: memory, fs)',
    );
    expect(messageOf({ mcpServers: { ...servers('a'), ...remote }, orchestrator: { groups: { g: ['docs'] } } })).toBe(
      '/cfg/mcp.json: orchestrator.groups.g[0]: "docs" is a remote server, which orch does not start',
    );
    expect(messageOf({ mcpServers: servers('a'), orchestrator: { groups: { g: ['a', 'a'] } } })).toBe(
      '/cfg/mcp.json: orchestrator.groups.g[1]: "a" is listed twice',
    );
  });

  it('a group spelt like a server whose name starts with @ is an error', () => {
    expect(messageOf({ mcpServers: servers('@dev', 'a'), orchestrator: { groups: { dev: ['a'] } } })).toBe(
      '/cfg/mcp.json: orchestrator.groups.dev: "@dev" would name both this group and the server "@dev"; rename one',
    );
  });

  it('group names follow the server-name rules, and members must be a list of names', () => {
    expect(messageOf({ mcpServers: servers('a'), orchestrator: { groups: { '': ['a'] } } })).toBe(
      '/cfg/mcp.json: orchestrator.groups[""]: a group name cannot be empty',
    );
    expect(messageOf({ orchestrator: { groups: { g: 'a' } } })).toBe('/cfg/mcp.json: orchestrator.groups.g: expected array');
    expect(messageOf({ orchestrator: { groups: ['a'] } })).toBe('/cfg/mcp.json: orchestrator.groups: expected object');
    expect(messageOf({ orchestrator: { watch: 'yes' } })).toBe('/cfg/mcp.json: orchestrator.watch: expected boolean');
  });
});

describe('dependsOn', () => {
  it('is read per server, [] when unset, and leaves the policy alone', () => {
    const config = parse({
      mcpServers: servers('web', 'db', 'cache'),
      orchestrator: { servers: { web: { dependsOn: ['db', 'cache'] }, db: { health: { intervalMs: 1_000 } } } },
    });
    expect(config.servers.map((s) => [s.name, s.dependsOn])).toEqual([
      ['web', ['db', 'cache']],
      ['db', []],
      ['cache', []],
    ]);
    expect(config.servers[0]!.policy).toEqual(DEFAULT_POLICY);
  });

  it('may name a disabled server', () => {
    const config = parse({
      mcpServers: { web: { command: 'x' }, db: { command: 'x', disabled: true } },
      orchestrator: { servers: { web: { dependsOn: ['db'] } } },
    });
    expect(config.servers[0]!.dependsOn).toEqual(['db']);
  });

  it('an unknown, remote or repeated name is an error at its index', () => {
    expect(messageOf({ mcpServers: servers('web', 'db'), orchestrator: { servers: { web: { dependsOn: ['dB'] } } } })).toBe(
      '/cfg/mcp.json: orchestrator.servers.web.dependsOn[0]: no server is named "dB" (known: web, db)',
    );
    expect(
      messageOf({ mcpServers: { web: { command: 'x' }, docs: { url: 'https://r.test' } }, orchestrator: { servers: { web: { dependsOn: ['docs'] } } } }),
    ).toBe('/cfg/mcp.json: orchestrator.servers.web.dependsOn[0]: "docs" is a remote server, which orch does not start');
    expect(messageOf({ mcpServers: servers('web', 'db'), orchestrator: { servers: { web: { dependsOn: ['db', 'db'] } } } })).toBe(
      '/cfg/mcp.json: orchestrator.servers.web.dependsOn[1]: "db" is listed twice',
    );
  });

  it('a remote server cannot depend on anything', () => {
    expect(
      messageOf({ mcpServers: { a: { command: 'x' }, docs: { url: 'https://r.test' } }, orchestrator: { servers: { docs: { dependsOn: ['a'] } } } }),
    ).toBe('/cfg/mcp.json: orchestrator.servers.docs.dependsOn: "docs" is a remote server, which orch does not start');
  });

  it('a cycle is an error naming the path and the loop', () => {
    expect(
      messageOf({ mcpServers: servers('a', 'b'), orchestrator: { servers: { a: { dependsOn: ['b'] }, b: { dependsOn: ['a'] } } } }),
    ).toBe('/cfg/mcp.json: orchestrator.servers.a.dependsOn: cycle a → b → a');
    expect(messageOf({ mcpServers: servers('a'), orchestrator: { servers: { a: { dependsOn: ['a'] } } } })).toBe(
      '/cfg/mcp.json: orchestrator.servers.a.dependsOn: cycle a → a',
    );
    // Entered from x, which is not part of it: the loop alone is reported.
    expect(
      messageOf({
        mcpServers: servers('x', 'p', 'q', 'r'),
        orchestrator: { servers: { x: { dependsOn: ['p'] }, p: { dependsOn: ['q'] }, q: { dependsOn: ['r'] }, r: { dependsOn: ['p'] } } },
      }),
    ).toBe('/cfg/mcp.json: orchestrator.servers.p.dependsOn: cycle p → q → r → p');
  });

  it('a diamond is not a cycle', () => {
    const config = parse({
      mcpServers: servers('top', 'left', 'right', 'base'),
      orchestrator: { servers: { top: { dependsOn: ['left', 'right'] }, left: { dependsOn: ['base'] }, right: { dependsOn: ['base'] } } },
    });
    expect(config.servers.map((s) => s.dependsOn.length)).toEqual([2, 1, 1, 0]);
  });

  it('dependsOn is per server only, not a default', () => {
    expect(messageOf({ orchestrator: { defaults: { dependsOn: ['a'] } } })).toBe(
      '/cfg/mcp.json: orchestrator.defaults: unknown key "dependsOn"',
    );
  });

  it('servers named __proto__ and constructor depend on each other like any', () => {
    const config = parse('{"mcpServers":{"__proto__":{"command":"x"},"constructor":{"command":"y"}},"orchestrator":{"servers":{"__proto__":{"dependsOn":["constructor"]}}}}');
    expect(config.servers.map((s) => [s.name, s.dependsOn])).toEqual([
      ['__proto__', ['constructor']],
      ['constructor', []],
    ]);
  });
});

describe('the policy schema', () => {
  it('is the one declaration of the policy: the defaults satisfy it', () => {
    expect(policySchema.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
  });
});
