/** Which config values a backup redacts, and how a restore puts them back from the config it replaces. */
import { describe, expect, it } from 'vitest';
import { parseJsonc } from '../../src/config/json.js';
import { REDACTED, redactSecrets, restoreSecrets } from '../../src/backup/secrets.js';

const CONFIG = `{
  // the team's servers
  "mcpServers": {
    "gh": { "command": "gh-mcp", "env": { "TOKEN": "ghp_secret", "HOME_DIR": "\${HOME}", "LEVEL": "\${LEVEL:-debug}" } }, // keep me
    "docs": { "url": "https://docs.example/mcp", "headers": { "Authorization": "Bearer abc" } }
  },
  "servers": { "vs": { "command": "vs-mcp", "env": { "KEY": "k" }, } },
  "orchestrator": {
    "webhooks": [
      { "url": "https://hooks.example", "secret": "whsec" },
      { "url": "https://plain.example" },
      { "url": "https://hooks.slack.com/services/T0/B0/SLACKTOKEN" },
      { "url": "https://ops.example/hook?key=QUERYTOKEN" },
      { "url": "\${HOOK_URL}" }
    ]
  }
}`;

describe('redactSecrets', () => {
  it('replaces env, headers and webhook secrets, keeps bare references, comments and layout', () => {
    const { text, redacted } = redactSecrets(CONFIG);
    expect(redacted).toEqual([
      'mcpServers.gh.env.TOKEN',
      'mcpServers.gh.env.LEVEL',
      'mcpServers.docs.headers.Authorization',
      'servers.vs.env.KEY',
      'orchestrator.webhooks[0].secret',
      'orchestrator.webhooks[2].url',
      'orchestrator.webhooks[3].url',
    ]);
    for (const secret of ['ghp_secret', 'Bearer abc', '"k"', 'whsec', 'SLACKTOKEN', 'QUERYTOKEN']) expect(text).not.toContain(secret);
    // A webhook URL with no credential in it stays, so a restore elsewhere needs nothing back.
    expect(text).toContain('"url": "https://plain.example"');
    expect(text).toContain('"url": "${HOOK_URL}"');
    // A reference names where the secret lives; one with a default may hold the secret itself.
    expect(text).toContain('"HOME_DIR": "${HOME}"');
    expect(text).toContain(`"LEVEL": "${REDACTED}"`);
    expect(text).toContain('// the team\'s servers');
    expect(text).toContain('// keep me');
    expect(text.split('\n')).toHaveLength(CONFIG.split('\n').length);
  });

  it('finds nothing to redact in a config without secrets', () => {
    const plain = '{ "mcpServers": { "a": { "command": "a" } } }';
    expect(redactSecrets(plain)).toEqual({ text: plain, redacted: [] });
  });
});

describe('restoreSecrets', () => {
  const { text: redactedText } = redactSecrets(CONFIG);

  it('takes each value from the config it replaces', () => {
    const { text, taken, missing } = restoreSecrets(redactedText, parseJsonc(CONFIG));
    expect(text).toBe(CONFIG);
    expect(taken).toHaveLength(7);
    expect(missing).toEqual([]);
  });

  it('names the keys the current config has no value for', () => {
    const current = parseJsonc('{ "mcpServers": { "gh": { "command": "gh-mcp", "env": { "TOKEN": "new_token" } } } }');
    const { text, missing } = restoreSecrets(redactedText, current);
    expect(missing).toEqual([
      'mcpServers.gh.env.LEVEL',
      'mcpServers.docs.headers.Authorization',
      'servers.vs.env.KEY',
      'orchestrator.webhooks[0].secret',
      'orchestrator.webhooks[2].url',
      'orchestrator.webhooks[3].url',
    ]);
    expect(text).toContain('"TOKEN": "new_token"');
    expect(restoreSecrets(redactedText, undefined).missing).toHaveLength(7);
  });

  it('leaves a config with no redacted values as it is', () => {
    expect(restoreSecrets(CONFIG, undefined)).toEqual({ text: CONFIG, taken: [], missing: [] });
  });
});
