/**
 * What a pod gets from a server's policy, so that Kubernetes and orch agree on one server's health:
 *
 * - startupProbe on `/readyz`: the server has `start.timeoutMs` to answer MCP, plus `ORCH_BOOT_MS` for
 *   orch itself, before the kubelet restarts the container.
 * - readinessProbe on `/readyz` (200 while the server is `running`) every `health.intervalMs`, out of
 *   the Service after `health.failureThreshold` misses: a blip or a quick restart is left to orch's
 *   gateway, which holds requests while the server comes back (`gateway.waitReadyMs`).
 * - livenessProbe on `/livez` (orch's event loop answers) every `health.intervalMs`, restarting after
 *   `health.failureThreshold` misses, the count orch itself restarts a server after.
 * - limits: `health.memoryBytes` and `health.cpuPercent` (percent of one core → millicores) for the
 *   server, plus orch's own share, so orch sees the server over its limit and restarts it before the
 *   kernel's OOM killer or CFS throttling gets there. Requests: a quarter of the server's allowance
 *   plus orch's share: what it needs to be scheduled, not what it may burst to.
 * - terminationGracePeriodSeconds: `stop.graceMs` + `stop.killTimeoutMs`, orch's whole stop sequence,
 *   plus a margin, so the kubelet's SIGKILL never cuts it short.
 */
import type { Policy } from '../config/policy.js';

export const HTTP_PORT = 8080;
const MI = 1024 ** 2;
/** orch serve itself: a Node process of ~60 MB RSS and little CPU, with headroom. */
const ORCH_MEMORY_BYTES = 128 * MI;
const ORCH_MILLICORES = 100;
const ORCH_BOOT_MS = 5_000;
const STARTUP_PERIOD_SECONDS = 2;
const SHUTDOWN_MARGIN_MS = 3_000;

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function probes(policy: Policy) {
  const get = (path: string) => ({ httpGet: { path, port: 'http' } });
  const every = { periodSeconds: seconds(policy.health.intervalMs), timeoutSeconds: seconds(policy.health.timeoutMs) };
  return {
    startupProbe: {
      ...get('/readyz'),
      periodSeconds: STARTUP_PERIOD_SECONDS,
      timeoutSeconds: 1,
      failureThreshold: Math.ceil((policy.start.timeoutMs + ORCH_BOOT_MS) / (STARTUP_PERIOD_SECONDS * 1000)),
    },
    readinessProbe: { ...get('/readyz'), ...every, successThreshold: 1, failureThreshold: policy.health.failureThreshold },
    livenessProbe: { ...get('/livez'), ...every, failureThreshold: policy.health.failureThreshold },
  };
}

export function resources(policy: Policy) {
  const serverMillicores = Math.ceil(policy.health.cpuPercent * 10);
  return {
    requests: {
      cpu: `${Math.ceil(serverMillicores / 4) + ORCH_MILLICORES}m`,
      memory: `${Math.ceil((policy.health.memoryBytes / 4 + ORCH_MEMORY_BYTES) / MI)}Mi`,
    },
    limits: {
      cpu: `${serverMillicores + ORCH_MILLICORES}m`,
      memory: bytes(policy.health.memoryBytes + ORCH_MEMORY_BYTES),
    },
  };
}

/** Whole mebibytes as `NMi`, anything else in bytes: both exact. */
function bytes(value: number): string {
  return value % MI === 0 ? `${value / MI}Mi` : String(value);
}

export function terminationGraceSeconds(policy: Policy): number {
  return seconds(policy.stop.graceMs + policy.stop.killTimeoutMs + SHUTDOWN_MARGIN_MS);
}

/** How long a client keeps reaching the same pod of a per-session server: as long as orch keeps its idle session. */
export function affinitySeconds(policy: Policy): number {
  return seconds(policy.gateway.sessionIdleMs);
}
