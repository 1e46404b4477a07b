/** Boots a real orchestrator (real processes, in-memory logs) for integration tests, and waits on it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createConsola } from 'consola';
import { waitFor } from 'xstate';
import type { ServerDefinition } from '../../src/config/load.js';
import { resolvePolicy, type PolicyOverride } from '../../src/config/policy.js';
import { serverStateName, type ServerSnapshot } from '../../src/machines/server.state.js';
import type { ServerStateName } from '../../src/machines/server.types.js';
import { serverActorId } from '../../src/machines/supervisor.machine.js';
import { statFields } from '../../src/os/proc.js';
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from '../../src/system.js';
import type { Transition } from '../../src/transitions.js';

export const FIXTURE = fileURLToPath(new URL('../fixtures/mcp-server.mjs', import.meta.url));

/** Short timings so a whole crash loop fits in a few seconds. */
export const FAST_POLICY: PolicyOverride = {
  health: { intervalMs: 200, timeoutMs: 300, failureThreshold: 2 },
  restart: { maxRestarts: 3, windowMs: 60_000, backoffMs: 50, maxBackoffMs: 200, jitter: 0 },
  start: { timeoutMs: 3_000 },
  stop: { graceMs: 100, killTimeoutMs: 500 },
};

export function fixture(name: string, flags: string[] = [], policy: PolicyOverride = {}): ServerDefinition {
  return nodeServer(name, [FIXTURE, ...flags], policy);
}

/** A server run as `node ARGS…` under the fast test policy with these overrides. */
export function nodeServer(name: string, args: string[], policy: PolicyOverride = {}, env: Record<string, string> = {}): ServerDefinition {
  return {
    name,
    command: process.execPath,
    args,
    env,
    cwd: undefined,
    disabled: false,
    dependsOn: [],
    policy: resolvePolicy(FAST_POLICY, policy),
  };
}

export interface TestOrchestrator extends Orchestrator {
  transitions: Transition[];
  waitForState(name: string, state: ServerStateName | ServerStateName[], timeoutMs?: number): Promise<ServerSnapshot>;
  waitForTransition(match: (t: Transition) => boolean, timeoutMs?: number): Promise<Transition>;
}

export function bootOrchestrator(
  servers: ServerDefinition[],
  options: Pick<OrchestratorOptions, 'home' | 'problems' | 'sessionIds'> = {},
): TestOrchestrator {
  const transitions: Transition[] = [];
  const waiters = new Set<() => void>();
  const orch = createOrchestrator({
    config: { path: '/test/config.json', port: 0, sampleIntervalMs: 500, servers, remote: [], groups: [], watch: false, webhooks: [] },
    logger: createConsola({ level: -999 }),
    ...options,
    onTransition: (transition) => {
      transitions.push(transition);
      for (const wake of waiters) wake();
    },
  });
  return Object.assign(orch, {
    transitions,
    async waitForState(name: string, state: ServerStateName | ServerStateName[], timeoutMs = 10_000) {
      const wanted = Array.isArray(state) ? state : [state];
      const actor = orch.supervisor.getSnapshot().children[serverActorId(name)];
      if (!actor) throw new Error(`no server ${name}`);
      return (await waitFor(actor, (s) => wanted.includes(serverStateName(s as ServerSnapshot)), {
        timeout: timeoutMs,
      })) as ServerSnapshot;
    },
    waitForTransition(match: (t: Transition) => boolean, timeoutMs = 10_000) {
      return new Promise<Transition>((resolve, reject) => {
        const check = () => {
          const found = transitions.find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching transition within ${timeoutMs} ms; saw:\n${transitions.map(describe).join('\n')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  });
}

function describe(t: Transition): string {
  return `${t.server}: ${t.from} → ${t.to} (${t.reason})`;
}

/** A zombie counts as gone: it is dead, only waiting for whichever init adopted it to reap it. */
export function isAlive(pid: number): boolean {
  try {
    return statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls a condition the OS decides (a pid disappearing), which no event announces. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function pidsFromLogs(orch: Orchestrator, name: string, pattern: RegExp): number[] {
  return orch.logs
    .tail(name)
    .map((line) => pattern.exec(line.text)?.[1])
    .filter((pid): pid is string => pid !== undefined)
    .map(Number);
}
