/**
 * Webhook delivery against real receivers on 127.0.0.1: the body and its signature, retries after
 * 5xx and network errors but not 4xx, timeouts, drops from a full queue, Slack's format, reloads.
 */
import { createHmac } from 'node:crypto';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Webhook } from '../../src/config/webhooks.js';
import type { ServerStateName } from '../../src/machines/server.types.js';
import type { Transition } from '../../src/transitions.js';
import { createWebhooks, type Webhooks, type WebhooksOptions } from '../../src/webhooks/webhooks.js';
import { deadUrl, startReceiver, type Answer, type Receiver } from './receiver.js';

const TIME = Date.UTC(2026, 10, 2, 9, 30, 0);
const transition = (to: ServerStateName, server = 'memory', reason = 'exited with code 1'): Transition => ({
  time: TIME,
  server,
  from: 'running',
  to,
  reason,
});
const hook = (url: string, more: Partial<Webhook> = {}): Webhook => ({
  url,
  shownUrl: url,
  events: ['*'],
  servers: undefined,
  secret: undefined,
  format: 'json',
  ...more,
});

let receivers: Receiver[] = [];
let webhooks: Webhooks | undefined;
afterEach(async () => {
  webhooks?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  receivers = [];
});

async function receiver(answer?: Answer) {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

/** Short timings, so a whole retry sequence takes milliseconds. */
function create(hooks: Webhook[], options: Partial<WebhooksOptions> = {}) {
  webhooks = createWebhooks(hooks, { restartsOf: () => 2, host: 'box', backoffMs: 5, maxBackoffMs: 20, timeoutMs: 2_000, ...options });
  return webhooks;
}

describe('webhook delivery', () => {
  it('posts the transition as JSON, signed with the HMAC-SHA256 of the exact body', async () => {
    const target = await receiver();
    const hooks = create([hook(target.url, { secret: 'hunter2' })]);
    hooks.deliver(transition('crashed'));
    await target.until(1);
    const { headers, body } = target.received[0]!;
    expect(JSON.parse(body)).toEqual({
      server: 'memory',
      from: 'running',
      to: 'crashed',
      reason: 'exited with code 1',
      time: '2026-11-02T09:30:00.000Z',
      restarts: 2,
      host: 'box',
    });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-orch-signature']).toBe(`sha256=${createHmac('sha256', 'hunter2').update(body).digest('hex')}`);
    expect(headers['x-orch-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['user-agent']).toMatch(/^orch\//);
    await vi.waitFor(() => expect(hooks.status()[0]).toMatchObject({ delivered: 1, failed: 0, queued: 0, lastError: null }));
    expect(hooks.status()[0]!.lastDeliveredAt).toBeGreaterThan(0);
  });

  it('sends no signature without a secret, the host name by default, and null restarts for a server orch no longer knows', async () => {
    const target = await receiver();
    webhooks = createWebhooks([hook(target.url)], {
      restartsOf: () => {
        throw new Error('no server memory');
      },
    });
    webhooks.deliver(transition('stopped'));
    await target.until(1);
    expect(target.received[0]!.headers['x-orch-signature']).toBeUndefined();
    expect(JSON.parse(target.received[0]!.body)).toMatchObject({ restarts: null, host: hostname() });
  });

  it('posts only the states and servers a hook lists', async () => {
    const target = await receiver();
    const hooks = create([hook(target.url, { events: ['crashed', 'unhealthy'], servers: ['db'] })]);
    hooks.deliver(transition('crashed', 'memory'));
    hooks.deliver(transition('running', 'db'));
    hooks.deliver(transition('unhealthy', 'db'));
    await vi.waitFor(() => expect(hooks.status()[0]!.delivered).toBe(1));
    expect(target.received.map((r) => JSON.parse(r.body).to)).toEqual(['unhealthy']);
  });

  it('retries a receiver that fails 3 times (500) and delivers the event exactly once', async () => {
    const target = await receiver((n) => (n <= 3 ? 500 : 200));
    const hooks = create([hook(target.url)]);
    hooks.deliver(transition('crashed'));
    await vi.waitFor(() => expect(hooks.status()[0]).toMatchObject({ delivered: 1, failed: 0, queued: 0 }));
    expect(target.received).toHaveLength(4);
    // One delivery, four attempts: the same id and the same body each time.
    expect(new Set(target.received.map((r) => r.headers['x-orch-delivery'])).size).toBe(1);
    expect(new Set(target.received.map((r) => r.body)).size).toBe(1);
    expect(hooks.status()[0]!.lastError).toMatchObject({ message: 'answered 500' });
  });

  it('does not retry a 4xx, and goes on with the next event', async () => {
    const target = await receiver((n) => (n === 1 ? 404 : 200));
    const warnings: string[] = [];
    const hooks = create([hook(target.url)], { warn: (message) => warnings.push(message) });
    hooks.deliver(transition('crashed'));
    hooks.deliver(transition('stopped'));
    await vi.waitFor(() => expect(hooks.status()[0]).toMatchObject({ delivered: 1, failed: 1, queued: 0 }));
    expect(target.received.map((r) => JSON.parse(r.body).to)).toEqual(['crashed', 'stopped']);
    expect(warnings).toEqual([`webhook ${target.url}: gave up on memory → crashed after 1 attempt: answered 404`]);
  });

  it('gives up after its attempts on a network error, and on a receiver that does not answer in time', async () => {
    const dead = await deadUrl();
    const slow = await receiver(() => 'hang');
    const hooks = create([hook(dead), hook(slow.url)], { attempts: 3, timeoutMs: 100 });
    hooks.deliver(transition('crashed'));
    await vi.waitFor(() => expect(hooks.status().map((s) => s.failed)).toEqual([1, 1]), { timeout: 5_000 });
    const [refused, timedOut] = hooks.status();
    expect(refused!.lastError!.message).toMatch(/ECONNREFUSED/);
    expect(timedOut!.lastError!.message).toBe('no answer within 100 ms');
    expect(slow.received).toHaveLength(3);
  });

  it('does not retry a port fetch refuses to connect to', async () => {
    const hooks = create([hook('http://127.0.0.1:6000/hook')]);
    hooks.deliver(transition('crashed'));
    await vi.waitFor(() => expect(hooks.status()[0]).toMatchObject({ failed: 1, queued: 0 }));
    expect(hooks.status()[0]!.lastError!.message).toMatch(/^fetch refuses this port/);
  });

  it('drops the oldest waiting deliveries when the queue is full, and counts them', async () => {
    let hanging = true;
    const target = await receiver(() => (hanging ? 'hang' : 200));
    const warnings: string[] = [];
    const hooks = create([hook(target.url)], { maxQueue: 3, warn: (message) => warnings.push(message) });
    const reasons = Array.from({ length: 10 }, (_, i) => `event ${i + 1}`);
    hooks.deliver(transition('crashed', 'memory', reasons[0]));
    await target.until(1);
    for (const reason of reasons.slice(1)) hooks.deliver(transition('crashed', 'memory', reason));
    expect(hooks.status()[0]).toMatchObject({ dropped: 6, queued: 4 });
    expect(warnings).toEqual([`webhook ${target.url}: 3 deliveries waiting; dropping the oldest until it catches up`]);
    hanging = false;
    target.release();
    await vi.waitFor(() => expect(hooks.status()[0]).toMatchObject({ delivered: 4, dropped: 6, queued: 0 }));
    expect(target.received.map((r) => JSON.parse(r.body).reason)).toEqual(['event 1', 'event 8', 'event 9', 'event 10']);
  });

  it('posts a one-line Slack message, escaped as Slack asks', async () => {
    const target = await receiver();
    const hooks = create([hook(target.url, { format: 'slack', secret: 'k' })]);
    hooks.deliver(transition('crashed', 'memory', 'exited with code 1; gave up after 3 restarts'));
    hooks.deliver(transition('unhealthy', 'db', 'memory 2 GB > 1 GB & <rising>'));
    await target.until(2);
    const [first, second] = target.received.map((r) => JSON.parse(r.body));
    expect(first).toEqual({ text: 'orch@box: memory running → crashed (exited with code 1; gave up after 3 restarts)' });
    expect(second).toEqual({ text: 'orch@box: db running → unhealthy (memory 2 GB &gt; 1 GB &amp; &lt;rising&gt;)' });
    const { headers, body } = target.received[0]!;
    expect(headers['x-orch-signature']).toBe(`sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`);
  });

  it('keeps the figures of a hook a reload leaves unchanged, and uses its new secret', async () => {
    const kept = await receiver();
    const removed = await receiver();
    const added = await receiver();
    const hooks = create([hook(kept.url, { events: ['crashed', 'running'], secret: 'old' }), hook(removed.url)]);
    hooks.deliver(transition('crashed'));
    await vi.waitFor(() => expect(hooks.status().map((s) => s.delivered)).toEqual([1, 1]));
    hooks.replace([hook(added.url), hook(kept.url, { events: ['running', 'crashed'], secret: 'new' })]);
    expect(hooks.status().map((s) => [s.url, s.delivered])).toEqual([
      [added.url, 0],
      [kept.url, 1],
    ]);
    hooks.deliver(transition('crashed'));
    await vi.waitFor(() => expect(hooks.status().map((s) => s.delivered)).toEqual([1, 2]));
    const { headers, body } = kept.received[1]!;
    expect(headers['x-orch-signature']).toBe(`sha256=${createHmac('sha256', 'new').update(body).digest('hex')}`);
    expect(removed.received).toHaveLength(1);
  });

  it('shows no secret in its status, and takes nothing after close', async () => {
    const target = await receiver();
    const hooks = create([hook(target.url, { secret: 'sk-do-not-show', shownUrl: '${HOOK_URL}', events: ['crashed'], servers: ['memory'] })]);
    expect(JSON.stringify(hooks.status())).not.toContain('sk-do-not-show');
    expect(hooks.status()).toEqual([
      { url: '${HOOK_URL}', events: ['crashed'], servers: ['memory'], format: 'json', delivered: 0, failed: 0, dropped: 0, queued: 0, lastError: null, lastDeliveredAt: null },
    ]);
    hooks.close();
    hooks.deliver(transition('crashed'));
    expect(hooks.status()[0]!.queued).toBe(0);
  });
});
