/** `orchestrator.webhooks`: read in config order, `url` and `secret` expanded, every mistake named at its JSON path. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { OrchError } from '../../src/errors.js';

const servers = { memory: { command: 'x' }, db: { command: 'y' }, far: { url: 'https://mcp.example.com/mcp' } };
const parse = (webhooks: unknown, env: NodeJS.ProcessEnv = {}) =>
  parseConfig(JSON.stringify({ mcpServers: servers, orchestrator: { webhooks } }), '/cfg/mcp.json', env);

function messageOf(webhooks: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(webhooks, env);
  } catch (error) {
    if (error instanceof OrchError && error.code === 'CONFIG_INVALID') return error.message;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('webhooks in the config', () => {
  it('are none by default', () => {
    expect(parseConfig('{"mcpServers":{}}', '/cfg/mcp.json').webhooks).toEqual([]);
  });

  it('come out in config order, with url and secret expanded and json the default format', () => {
    const config = parse(
      [
        { url: 'https://hooks.example.com/orch', events: ['crashed', 'unhealthy'], secret: '${HOOK_SECRET}' },
        { url: '${SLACK_URL}', events: ['*'], servers: ['memory'], format: 'slack' },
      ],
      { HOOK_SECRET: 's3cret', SLACK_URL: 'https://hooks.slack.com/services/T0/B0/xyz' },
    );
    expect(config.webhooks).toEqual([
      {
        url: 'https://hooks.example.com/orch',
        shownUrl: 'https://hooks.example.com/orch',
        events: ['crashed', 'unhealthy'],
        servers: undefined,
        secret: 's3cret',
        format: 'json',
      },
      {
        url: 'https://hooks.slack.com/services/T0/B0/xyz',
        // A URL kept in a variable is shown as written: Slack's carry their secret in the path.
        shownUrl: '${SLACK_URL}',
        events: ['*'],
        servers: ['memory'],
        secret: undefined,
        format: 'slack',
      },
    ]);
  });

  it('masks a password in the URL it shows', () => {
    const [hook] = parse([{ url: 'http://orch:hunter2@127.0.0.1:8080/hook', events: ['crashed'] }]).webhooks;
    expect(hook!.url).toBe('http://orch:hunter2@127.0.0.1:8080/hook');
    expect(hook!.shownUrl).toBe('http://orch:***@127.0.0.1:8080/hook');
  });

  it('name an unknown, remote or repeated server at its path', () => {
    expect(messageOf([{ url: 'http://h/', events: ['*'] }, { url: 'http://h/', events: ['*'], servers: ['memroy'] }])).toBe(
      '/cfg/mcp.json: orchestrator.webhooks[1].servers[0]: no server is named "memroy" (known: memory, db, far)',
    );
    expect(messageOf([{ url: 'http://h/', events: ['*'], servers: ['db', 'far', 'db'] }])).toBe(
      [
        '/cfg/mcp.json: orchestrator.webhooks[0].servers[1]: "far" is a remote server, which orch does not start',
        '/cfg/mcp.json: orchestrator.webhooks[0].servers[2]: "db" is listed twice',
      ].join('\n'),
    );
    expect(messageOf([{ url: 'http://h/', events: ['*'], servers: [] }])).toBe(
      '/cfg/mcp.json: orchestrator.webhooks[0].servers: expected at least one server (leave "servers" out for every server)',
    );
  });

  it('accept the seven states and "*", and nothing else', () => {
    expect(parse([{ url: 'http://h/', events: ['stopped', 'starting', 'running', 'unhealthy', 'backoff', 'stopping', 'crashed'] }]).webhooks).toHaveLength(1);
    expect(messageOf([{ url: 'http://h/', events: ['crash'] }])).toMatch(/^\/cfg\/mcp\.json: orchestrator\.webhooks\[0\]\.events\[0\]: .*"crashed"/);
    expect(messageOf([{ url: 'http://h/', events: [] }])).toBe('/cfg/mcp.json: orchestrator.webhooks[0].events: expected at least one state, or "*"');
    expect(messageOf([{ url: 'http://h/' }])).toBe('/cfg/mcp.json: orchestrator.webhooks[0].events: expected array');
  });

  it('refuse a URL that is not http or https, without echoing it', () => {
    expect(messageOf([{ url: 'ftp://h/', events: ['*'] }])).toBe('/cfg/mcp.json: orchestrator.webhooks[0].url: expected an http or https URL');
    expect(messageOf([{ url: '${URL}', events: ['*'] }], { URL: 'hooks.slack.com/services/secret' })).toBe(
      '/cfg/mcp.json: orchestrator.webhooks[0].url: expected an http or https URL',
    );
  });

  it('name an unset variable, and refuse an empty secret', () => {
    expect(messageOf([{ url: 'http://h/', events: ['*'], secret: '${HOOK_SECRET}' }])).toBe(
      '/cfg/mcp.json: orchestrator.webhooks[0].secret: ${HOOK_SECRET} is not set (write ${HOOK_SECRET:-fallback} to give it a default)',
    );
    expect(messageOf([{ url: 'http://h/', events: ['*'], secret: '${HOOK_SECRET}' }], { HOOK_SECRET: '' })).toBe(
      '/cfg/mcp.json: orchestrator.webhooks[0].secret: is empty (leave "secret" out to send unsigned bodies)',
    );
  });

  it('refuse unknown keys and formats', () => {
    expect(messageOf([{ url: 'http://h/', events: ['*'], secrets: 'x' }])).toBe('/cfg/mcp.json: orchestrator.webhooks[0]: unknown key "secrets"');
    expect(messageOf([{ url: 'http://h/', events: ['*'], format: 'teams' }])).toMatch(/^\/cfg\/mcp\.json: orchestrator\.webhooks\[0\]\.format: /);
    expect(messageOf({ url: 'http://h/' })).toBe('/cfg/mcp.json: orchestrator.webhooks: expected array');
  });
});
