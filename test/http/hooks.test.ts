/** Webhook figures over HTTP: `GET /api/hooks` and the events page's Webhooks section, never a secret. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { Sessions } from '../../src/http/auth.js';
import type { HookStatus } from '../../src/webhooks/webhooks.js';
import { createFakeSupervision, PORT, TOKEN } from './fake-supervision.js';

const HOST = `127.0.0.1:${PORT}`;
const HOOK: HookStatus = {
  url: 'https://hooks.example.com/orch',
  events: ['crashed', 'unhealthy'],
  servers: ['memory'],
  format: 'slack',
  delivered: 12,
  failed: 1,
  dropped: 3,
  queued: 2,
  lastError: { message: 'answered 503', at: Date.UTC(2026, 10, 2, 9, 30, 0) },
  lastDeliveredAt: Date.UTC(2026, 10, 2, 9, 31, 0),
};

function setup(hooks?: () => HookStatus[]) {
  const fake = createFakeSupervision();
  const sessions = new Sessions();
  const app = createApp({ ...fake.deps, ...(hooks && { hooks }) }, sessions);
  const session = sessions.redeem(sessions.issueLoginCode().code)!;
  const get = (path: string, headers: Record<string, string>) => app.request(`http://${HOST}${path}`, { headers: { host: HOST, ...headers } });
  return {
    api: async () => (await get('/api/hooks', { authorization: `Bearer ${TOKEN}` })).json(),
    page: async () => (await get('/events', { cookie: `orch_session=${session}` })).text(),
  };
}

describe('webhooks over HTTP', () => {
  it('GET /api/hooks lists each hook, and none when the daemon has no webhooks', async () => {
    expect(await setup(() => [HOOK]).api()).toEqual({ hooks: [HOOK] });
    expect(await setup().api()).toEqual({ hooks: [] });
  });

  it('the events page shows a Webhooks section only when there are hooks', async () => {
    const html = await setup(() => [HOOK]).page();
    expect(html).toContain('<h2>Webhooks</h2>');
    expect(html).toContain('<tr data-hook="https://hooks.example.com/orch"><td>https://hooks.example.com/orch<span class="reason"> (slack)</span>');
    expect(html).toContain('crashed, unhealthy<span class="reason"> for memory</span>');
    expect(html).toContain('<td>12</td><td>1</td><td>3</td><td>2</td>');
    expect(html).toContain('<td class="time"><time datetime="2026-11-02T09:31:00.000Z"');
    expect(html).toContain('answered 503 (<time datetime="2026-11-02T09:30:00.000Z"');
    expect(await setup(() => []).page()).not.toContain('Webhooks');
    expect(await setup().page()).not.toContain('Webhooks');
  });
});
