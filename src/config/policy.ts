/** The supervision policy of one server: the defaults of ARCHITECTURE.md, overlaid by config. */
import type { ProtocolMode } from '../mcp/protocol.js';
import type { Policy, PolicyOverride } from './schema.js';

export type { Policy, PolicyOverride, ProtocolMode };

export const DEFAULT_POLICY: Policy = {
  health: { intervalMs: 10_000, timeoutMs: 5_000, failureThreshold: 3, cpuPercent: 90, memoryBytes: 1024 ** 3 },
  restart: {
    maxRestarts: 3,
    windowMs: 300_000,
    minUptimeMs: 10_000,
    backoffMs: 1_000,
    maxBackoffMs: 30_000,
    jitter: 0.2,
    resetAfterMs: 120_000,
  },
  start: { timeoutMs: 30_000 },
  stop: { graceMs: 2_000, killTimeoutMs: 5_000 },
  protocol: 'auto',
  gateway: { sharing: 'shared', requestTimeoutMs: 300_000, waitReadyMs: 10_000, sessionIdleMs: 600_000, maxSessions: 16 },
};

/** Overlays each override section by section, later ones winning. */
export function resolvePolicy(...overrides: (PolicyOverride | undefined)[]): Policy {
  const policy: Policy = structuredClone(DEFAULT_POLICY);
  for (const override of overrides) {
    if (!override) continue;
    Object.assign(policy.health, override.health);
    Object.assign(policy.restart, override.restart);
    Object.assign(policy.start, override.start);
    Object.assign(policy.stop, override.stop);
    Object.assign(policy.gateway, override.gateway);
    if (override.protocol) policy.protocol = override.protocol;
  }
  return policy;
}
