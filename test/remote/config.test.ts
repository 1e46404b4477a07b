/** A remote entry as the loader reads it (src/config/load.ts): its headers, expanded, and a policy of its own. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DEFAULT_POLICY } from '../../src/config/policy.js';

const parse = (value: unknown, env: NodeJS.ProcessEnv = {}) => parseConfig(JSON.stringify(value), '/cfg/mcp.json', env);

describe('a remote entry', () => {
  it('keeps its type and headers, ${VAR}-expanded like the url, and gets the default policy', () => {
    const config = parse(
      { mcpServers: { docs: { type: 'http', url: 'https://${HOST}/mcp', headers: { Authorization: 'Bearer ${DOCS_TOKEN}', 'x-team': 'core' } } } },
      { HOST: 'docs.example.test', DOCS_TOKEN: 'tok-1' },
    );
    expect(config.remote).toEqual([
      {
        name: 'docs',
        url: 'https://docs.example.test/mcp',
        transport: 'http',
        headers: { Authorization: 'Bearer tok-1', 'x-team': 'core' },
        policy: DEFAULT_POLICY,
      },
    ]);
  });

  it('takes its probe schedule from orchestrator.defaults and its own override', () => {
    const config = parse({
      mcpServers: { docs: { type: 'sse', url: 'https://docs.example.test/sse' } },
      orchestrator: { defaults: { health: { intervalMs: 30_000 } }, servers: { docs: { health: { timeoutMs: 2_000 } } } },
    });
    expect(config.remote[0]).toMatchObject({ transport: 'sse', headers: {}, policy: { health: { intervalMs: 30_000, timeoutMs: 2_000 } } });
  });

  it('names what is wrong: headers that are not strings, a variable that is not set', () => {
    expect(() => parse({ mcpServers: { docs: { url: 'https://d.test', headers: ['x'] } } })).toThrow(
      '/cfg/mcp.json: mcpServers.docs.headers: expected an object of header names and values',
    );
    expect(() => parse({ mcpServers: { docs: { url: 'https://d.test', headers: { 'x-key': 42 } } } })).toThrow(
      '/cfg/mcp.json: mcpServers.docs.headers.x-key: expected a string',
    );
    expect(() => parse({ mcpServers: { docs: { url: 'https://d.test', headers: { 'x-key': '${KEY}' } } } })).toThrow(
      /^\/cfg\/mcp\.json: mcpServers\.docs\.headers\.x-key: \$\{KEY\} is not set/,
    );
  });

  it('one waiting for an input value is kept, marked, and the header left out', () => {
    const config = parse({ servers: { docs: { type: 'http', url: 'https://d.test/mcp', headers: { 'x-key': '${input:docs-key}' } } } });
    expect(config.remote[0]).toMatchObject({ headers: {}, unavailable: 'needs input docs-key: orch secret set docs-key' });
  });
});
