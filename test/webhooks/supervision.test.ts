/**
 * A receiver that hangs never slows supervision: with webhooks fed from the same transition callback
 * the daemon uses, a kill -9 is answered with a restart as fast as without them, and `deliver` returns
 * at once while every request to the receiver is stuck.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhooks, type Webhooks } from '../../src/webhooks/webhooks.js';
import { bootOrchestrator, fixture, type TestOrchestrator } from '../support/orchestrator.js';
import { startReceiver, type Receiver } from './receiver.js';

let orch: TestOrchestrator | undefined;
let webhooks: Webhooks | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  webhooks?.close();
  await receiver?.close();
  await orch?.shutdown();
  orch = webhooks = receiver = undefined;
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('webhooks and supervision', () => {
  it('a hanging receiver does not delay a restart after kill -9', async () => {
    // Every exit is restarted at once, however often: the rounds measure the same thing.
    const running = bootOrchestrator([fixture('steady', [], { restart: { minUptimeMs: 0, backoffMs: 0 } })]);
    orch = running;
    running.start(['steady']);
    await running.waitForState('steady', 'running');

    const restartMs = async () => {
      const { pid } = running.status('steady');
      const seen = running.transitions.length;
      const started = performance.now();
      process.kill(pid!, 'SIGKILL');
      await running.waitForTransition((t) => t.to === 'running' && running.transitions.indexOf(t) >= seen);
      return performance.now() - started;
    };
    const without = [await restartMs(), await restartMs(), await restartMs()];

    const hanging = await startReceiver(() => 'hang');
    receiver = hanging;
    const hooks = createWebhooks([{ url: hanging.url, shownUrl: hanging.url, events: ['*'], servers: undefined, secret: 's', format: 'json' }], {
      restartsOf: (name) => running.snapshot(name).context.restarts,
      timeoutMs: 60_000,
    });
    webhooks = hooks;
    const deliverMs: number[] = [];
    running.subscribe((transition) => {
      const started = performance.now();
      hooks.deliver(transition);
      deliverMs.push(performance.now() - started);
    });
    const first = await restartMs();
    // The receiver holds the first request; everything after it waits in the queue.
    await hanging.until(1);
    const withHook = [first, await restartMs(), await restartMs()];

    expect(hanging.received).toHaveLength(1);
    expect(hooks.status()[0]!.queued).toBe(deliverMs.length);
    expect(deliverMs.length).toBeGreaterThanOrEqual(9);
    expect(median(deliverMs)).toBeLessThan(1);
    expect(median(withHook)).toBeLessThan(median(without) + 200);
  });
});
