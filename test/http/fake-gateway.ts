/** A GatewayReadout over a real CallStats on a fake clock, with sessions the test sets, for the HTTP app. */
import { nameSegment } from '../../src/config/server-name.js';
import { CallStats } from '../../src/gateway/call-stats.js';
import type { CallOutcome, SessionInfo } from '../../src/gateway/types.js';
import type { GatewayReadout } from '../../src/http/deps.js';

export const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);

export function createFakeGateway() {
  let now = NOW;
  const calls = new CallStats(() => now);
  const sessions = new Map<string, SessionInfo[]>();
  const readout: GatewayReadout = {
    calls,
    sessions: (server) => sessions.get(server) ?? [],
    inFlight: (server) => (sessions.get(server) ?? []).reduce((sum, session) => sum + session.inFlight, 0),
    endpoint: (server) => `/mcp/${nameSegment(server)}`,
  };
  const call = (server: string, tool: string | null, durationMs: number, outcome: CallOutcome = 'ok') =>
    calls.record({ server, method: tool === null ? 'tools/list' : 'tools/call', tool, outcome, durationMs });
  const session = (server: string, fields: Partial<SessionInfo> = {}): SessionInfo => {
    const info: SessionInfo = {
      id: 'a1b2c3d4',
      server,
      era: 'legacy',
      protocolVersion: '2025-11-25',
      client: { name: 'claude-code', version: '2.1.0' },
      openedAt: NOW - 90_000,
      lastActiveAt: NOW - 5_000,
      inFlight: 0,
      ...fields,
    };
    sessions.set(server, [...(sessions.get(server) ?? []), info]);
    return info;
  };
  return { readout, calls, call, session, advance: (ms: number) => (now += ms) };
}
