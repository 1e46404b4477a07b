/** How long to wait before restart number `attempt` (0-based) in a window. Pure: `random` is injected. */
export interface BackoffPolicy {
  backoffMs: number;
  maxBackoffMs: number;
  jitter: number;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // The first restart is immediate: most crashes are one-offs, and a fast comeback is what users see.
  if (attempt <= 0) return 0;
  const base = Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.maxBackoffMs);
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}
