/** The ping column, from the machine's snapshot through `serverStatus` to the table: never a stale round trip. */
import { describe, expect, it } from 'vitest';
import { formatStatusTable } from '../../src/cli/status-table.js';
import { serverStatus } from '../../src/status.js';
import { createServerHarness } from '../machines/server.harness.js';

const pingCell = (h: ReturnType<typeof createServerHarness>) => {
  const status = serverStatus(h.actor.getSnapshot(), { disabled: false });
  const row = formatStatusTable([status], false).split('\n')[1]!;
  return { lastPingMs: status.lastPingMs, cell: row.split(/\s{2,}/).at(-1) };
};

describe('the ping column', () => {
  it('shows the round trip while running and unhealthy, – once stopped, crashed or in backoff', () => {
    const h = createServerHarness({ health: { intervalMs: 1_000, timeoutMs: 500 }, restart: { backoffMs: 1_000 } });
    h.boot();
    h.advance(1_000);
    h.report({ type: 'probe.ok', seq: h.lastProbeSeq(), latencyMs: 0.4 });
    expect(pingCell(h)).toEqual({ lastPingMs: 0.4, cell: '0.4 ms' });

    h.advance(1_000);
    h.report({ type: 'probe.failed', seq: h.lastProbeSeq(), reason: 'timed out' });
    expect(h.state()).toBe('unhealthy');
    expect(pingCell(h).lastPingMs).toBe(0.4);

    h.crash(1);
    expect(h.state()).toBe('backoff');
    expect(pingCell(h)).toEqual({ lastPingMs: null, cell: '–' });

    h.advance(0);
    h.spawned();
    h.ready();
    h.send({ type: 'server.stop' });
    h.crash(0);
    expect(h.state()).toBe('stopped');
    // The new process was never checked: the earlier process's round trip is not its own.
    expect(h.context().lastPingMs).toBeNull();
    expect(pingCell(h)).toEqual({ lastPingMs: null, cell: '–' });
  });
});
