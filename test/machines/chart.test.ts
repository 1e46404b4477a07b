/** The statechart read from the machine definition, and its Mermaid text. */
import { describe, expect, it } from 'vitest';
import { activeStateIds, chartOf, stateIds, toMermaid } from '../../src/machines/chart.js';
import { serverMachine } from '../../src/machines/server.machine.js';

const chart = chartOf(serverMachine);

describe('server statechart', () => {
  it('has every state of the definition, nested as defined', () => {
    const ids = stateIds(chart);
    for (const id of ['server.stopped', 'server.active.starting', 'server.active.running.checking', 'server.active.unhealthy.waiting', 'server.active.stopping.killing', 'server.failing', 'server.backoff', 'server.crashed']) {
      expect(ids).toContain(id);
    }
    expect(chart.initial).toBe('server.stopped');
  });

  it('labels transitions with their events, delays and guards', () => {
    const find = (id: string) => {
      const walk = (s: typeof chart): typeof chart | undefined => (s.id === id ? s : s.children.map(walk).find(Boolean));
      return walk(chart)!;
    };
    expect(find('server.stopped').transitions).toContainEqual({ event: 'server.start', target: 'server.active', guard: null });
    expect(find('server.active.starting').transitions).toContainEqual({ event: 'after startTimeout', target: 'server.failing', guard: null });
    expect(find('server.failing').transitions).toContainEqual({ event: 'always', target: 'server.crashed', guard: 'earlyFailure ∧ restartBudgetSpent' });
    expect(find('server.active.running.checking').transitions).toContainEqual({
      event: 'probe.failed',
      target: 'server.active.stopping',
      guard: 'currentProbe ∧ failureThresholdReached',
    });
  });

  it('names the states a snapshot value is in', () => {
    expect(activeStateIds('server', { active: { running: 'waiting' } })).toEqual(['server.active', 'server.active.running', 'server.active.running.waiting']);
    expect(activeStateIds('server', 'crashed')).toEqual(['server.crashed']);
  });

  it('prints Mermaid stateDiagram-v2 text', () => {
    const text = toMermaid(chart);
    expect(text.startsWith('stateDiagram-v2\n  [*] --> server_stopped\n')).toBe(true);
    expect(text).toContain('state server_active {');
    expect(text).toContain('server_backoff --> server_stopped : server.stop');
    expect(text).toContain('server_failing --> server_crashed : always [fatalFailure]');
  });
});
