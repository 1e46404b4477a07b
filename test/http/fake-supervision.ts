/** A Supervision that records what it is told, for testing the HTTP app without processes. */
import { createActor } from 'xstate';
import { resolvePolicy } from '../../src/config/policy.js';
import { describeServer } from '../../src/description.js';
import { serverMachine } from '../../src/machines/server.machine.js';
import { OrchError } from '../../src/errors.js';
import type { AppDeps, DaemonHealth, Supervision } from '../../src/http/deps.js';
import { ServerLogs } from '../../src/logs/server-logs.js';
import { EventLog } from '../../src/logs/event-log.js';
import type { ServerStateName } from '../../src/machines/server.types.js';
import { serverDetail, type ServerDetail, type ServerStatus } from '../../src/status.js';
import type { Transition } from '../../src/transitions.js';

export const SECRET = 'sk-live-do-not-leak-4242';
export const TOKEN = 'test-token-0123456789';
export const PORT = 5999;

export function createFakeSupervision(states: Record<string, ServerStateName> = { memory: 'running', files: 'stopped' }) {
  const calls: { action: string; names?: string[] }[] = [];
  const logs = new ServerLogs();
  const events = new EventLog();
  const listeners = new Set<(t: Transition) => void>();
  const statuses = new Map<string, ServerStatus>(
    Object.entries(states).map(([name, state], i) => [
      name,
      {
        name,
        state,
        pid: state === 'running' ? 4000 + i : null,
        restarts: i,
        uptimeMs: state === 'running' ? 65_000 : null,
        cpuPercent: state === 'running' ? 1.5 : null,
        memoryBytes: state === 'running' ? 52_428_800 : null,
        processes: state === 'running' ? 1 : null,
        lastPingMs: state === 'running' ? 0.4 : null,
        lastError: null,
        reason: state === 'running' ? 'ping answered in 0 ms' : 'stop requested',
        disabled: false,
      },
    ]),
  );
  const status = (name: string) => {
    const found = statuses.get(name);
    if (!found) throw new OrchError('UNKNOWN_SERVER', `unknown server ${name} (known: ${[...statuses.keys()].join(', ')})`, { known: [...statuses.keys()] });
    return found;
  };
  const action = (action: string) => (names?: string[]) => {
    for (const name of names ?? []) status(name);
    calls.push({ action, names });
    const acted = names ?? [...statuses.keys()];
    return { acted, notes: [], servers: acted.map(status) };
  };
  const reloads: (string | undefined)[] = [];
  const supervision: Supervision = {
    names: () => [...statuses.keys()],
    statuses: () => [...statuses.values()],
    status,
    // The real projection over a real (never started) server actor whose env holds a secret.
    detail: (name): ServerDetail => {
      const actor = createActor(serverMachine, {
        input: {
          spec: { name, command: 'node', args: ['server.js'], env: { API_KEY: SECRET }, cwd: undefined },
          policy: resolvePolicy(),
        },
      });
      return serverDetail(status(name), actor.getSnapshot(), events.list({ server: name }), {
        at: [1, 2],
        cpuPercent: [0.5, 1.5],
        memoryBytes: [52_000_000, 52_428_800],
        pingMs: [null, 0.4],
      });
    },
    // Tools as a running server would list them; a stopped one says why it cannot.
    describe: async (name) =>
      describeServer(supervision.detail(name), {
        tools: status(name).state === 'running' ? { tools: [{ name: 'read_graph', description: 'Read the whole graph' }] } : { error: 'the server is stopped' },
        processTree: status(name).pid === null ? [] : [{ pid: status(name).pid!, ppid: 1, command: 'node server.js', rssBytes: 52_428_800 }],
        logFiles: [`/orch/logs/${name}.log`],
      }),
    stateValue: (name) => {
      const state = status(name).state;
      return state === 'running' || state === 'unhealthy' ? { active: { [state]: 'waiting' } } : ['starting', 'stopping'].includes(state) ? { active: state } : state;
    },
    start: action('start'),
    stop: action('stop'),
    restart: action('restart'),
    groups: () => [{ name: 'dev', members: ['memory'] }],
    configPath: () => '/test/mcp.json',
    reload: async (path) => {
      reloads.push(path);
      if (path === '/bad.json') throw new OrchError('CONFIG_INVALID', '/bad.json: mcpServers.a.command: expected string');
      return { config: path ?? '/test/mcp.json', changes: [{ server: 'fs', change: 'added' as const }] };
    },
    logs,
    events,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (transition: Transition) => {
    events.append(transition);
    for (const listener of listeners) listener(transition);
  };
  const health: DaemonHealth = {
    pid: 1234,
    version: '0.1.0',
    startedAt: new Date(0).toISOString(),
    uptimeMs: 1_000,
    rssBytes: 40_000_000,
    cpuPercent: 0.3,
    eventLoopDelay: { p50Ms: 10, p99Ms: 12, maxMs: 20 },
    config: '/test/mcp.json',
  };
  let shutdowns = 0;
  const deps: AppDeps = {
    supervision,
    token: TOKEN,
    port: () => PORT,
    health: () => health,
    shutdown: () => {
      shutdowns += 1;
    },
  };
  return { deps, calls, logs, emit, statuses, reloads, shutdowns: () => shutdowns };
}
