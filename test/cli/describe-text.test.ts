import { describe, expect, it } from 'vitest';
import { formatDescription } from '../../src/cli/describe-text.js';
import { createFakeSupervision, SECRET } from '../http/fake-supervision.js';

describe('formatDescription', () => {
  const { deps } = createFakeSupervision();

  it('shows command, env names without values, the policy with units, tools, processes and log files', async () => {
    const text = formatDescription(await deps.supervision.describe('memory'));
    expect(text).toContain('command      node server.js');
    expect(text).toContain('env          API_KEY (values hidden)');
    expect(text).not.toContain(SECRET);
    expect(text).toMatch(/a check every 10 s, timeout 5 s, restart after 3 failures; limits CPU 90%, memory 1(\.00)? Gi?B/);
    expect(text).toContain('backoff 1 s doubling to 30 s, reset after 2 min healthy');
    expect(text).toContain('tools (1)\n  read_graph  Read the whole graph');
    expect(text).toMatch(/processes \(1, 50(\.0)? Mi?B resident\)\n\s+4000\s+50(\.0)? Mi?B  node server\.js/);
    expect(text).toContain('logs\n  /orch/logs/memory.log');
  });

  it('says why the tools are unavailable', async () => {
    const text = formatDescription(await deps.supervision.describe('files'));
    expect(text).toContain('tools        unavailable: the server is stopped');
    expect(text).toContain('processes    (none)');
  });
});
