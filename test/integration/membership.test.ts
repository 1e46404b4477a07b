/** Servers come and go while orch runs: a reload touches exactly the servers that changed. */
import { afterEach, describe, expect, it } from 'vitest';
import type { OrchConfig } from '../../src/config/load.js';
import { resolvePolicy } from '../../src/config/policy.js';
import { bootOrchestrator, eventually, FAST_POLICY, fixture, isAlive, type TestOrchestrator } from '../support/orchestrator.js';

let orch: TestOrchestrator | undefined;
afterEach(async () => {
  await orch?.shutdown();
  orch = undefined;
});

const config = (servers: OrchConfig['servers'], groups: OrchConfig['groups'] = []): OrchConfig => ({
  path: '/test/config.json',
  port: 0,
  sampleIntervalMs: 500,
  servers,
  remote: [],
  groups,
  watch: false,
  webhooks: [],
});

describe('reload with real processes', () => {
  it('adds, removes and restarts exactly the servers that changed; untouched ones keep their pid', async () => {
    orch = bootOrchestrator([fixture('same'), fixture('policy'), fixture('changed'), fixture('gone')]);
    orch.start();
    const pids = Object.fromEntries(
      await Promise.all(['same', 'policy', 'changed', 'gone'].map(async (name) => [name, (await orch!.waitForState(name, 'running')).context.pid!])),
    );
    const changes = orch.reload(
      config([
        fixture('same'),
        { ...fixture('policy'), policy: resolvePolicy(FAST_POLICY, { health: { intervalMs: 250 } }) },
        fixture('changed', ['--noise']),
        fixture('new'),
      ]),
    );
    expect(changes).toEqual([
      { server: 'policy', change: 'updated', detail: 'policy' },
      { server: 'changed', change: 'restarted', detail: 'args changed' },
      { server: 'new', change: 'added' },
      { server: 'gone', change: 'removed' },
    ]);
    await orch.waitForState('new', 'running');
    await eventually(() => orch!.snapshot('changed').context.pid !== null && orch!.snapshot('changed').context.pid !== pids.changed, 5_000, 'a new changed');
    await orch.waitForState('changed', 'running');
    await eventually(() => !orch!.names().includes('gone'), 5_000, 'gone to be dropped');
    expect(isAlive(pids.gone!)).toBe(false);
    expect(orch.snapshot('changed').context.spec.args).toContain('--noise');
    expect(orch.snapshot('same').context.pid).toBe(pids.same);
    expect(orch.snapshot('policy').context.pid).toBe(pids.policy);
    expect(orch.snapshot('policy').context.policy.health.intervalMs).toBe(250);
    expect(orch.names()).toEqual(['same', 'policy', 'changed', 'new']);
    expect(() => orch!.status('gone')).toThrow(/unknown server gone/);
    expect(orch.history.series('gone').at).toEqual([]);
  });

  it('@group works wherever names do, and the answer lists what was acted on', async () => {
    orch = bootOrchestrator([fixture('a'), fixture('b'), { ...fixture('off'), disabled: true }]);
    orch.reload(config([fixture('a'), fixture('b'), { ...fixture('off'), disabled: true }], [{ name: 'dev', members: ['a', 'off'] }]));
    const started = orch.start(['@dev']);
    expect(started.acted).toEqual(['a']);
    expect(started.notes).toEqual(['off is disabled in the config; not started with @dev']);
    await orch.waitForState('a', 'running');
    expect(orch.status('b').state).toBe('stopped');
    expect(orch.status('off').state).toBe('disabled');
    expect(() => orch!.start(['@nope'])).toThrow('unknown server @nope (known: a, b, off, @dev)');
  });
});
