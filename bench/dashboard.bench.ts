/**
 * The dashboard's overview with 100 servers: server-side render time (page and live fragment), then in
 * Debian's Chromium a live refresh (request, swap, settle) and the longest main-thread task meanwhile.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { createApp } from '../src/http/app.js';
import { Sessions } from '../src/http/auth.js';
import type { ServerStateName } from '../src/machines/server.types.js';
import { createFakeSupervision } from '../test/http/fake-supervision.js';
import { heading, median, ms, percentile, row } from './stats.js';

const STATES: ServerStateName[] = ['running', 'running', 'running', 'unhealthy', 'stopped', 'crashed', 'backoff'];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function benchDashboard(): Promise<void> {
  const fake = createFakeSupervision(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`server-${i}`, STATES[i % STATES.length]!])));
  const sessions = new Sessions();
  let port = 0;
  const app = createApp({ ...fake.deps, port: () => port }, sessions);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  const cookie = `orch_session=${sessions.redeem(sessions.issueLoginCode().code)}`;

  heading('dashboard: overview with 100 servers');
  for (const path of ['/', '/ui/overview']) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 300; i += 1) {
      const began = performance.now();
      const response = await app.request(`http://${host}${path}`, { headers: { host, cookie } });
      bytes = (await response.text()).length;
      if (i >= 50) times.push(performance.now() - began);
    }
    row(`server render GET ${path} (median / p99)`, `${ms(median(times))} / ${ms(percentile(times, 99))}, ${(bytes / 1024).toFixed(0)} KB`);
  }

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`http://${host}/login?token=${sessions.issueLoginCode().code}`);
    await page.waitForSelector('.card');
    const result = await page.evaluate(async () => {
      let longest = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
      }).observe({ type: 'longtask' });
      const live = document.getElementById('live')!;
      const refreshes: number[] = [];
      for (let i = 0; i < 30; i += 1) {
        const began = performance.now();
        const settled = new Promise((resolve) => live.addEventListener('htmx:afterSettle', resolve, { once: true }));
        document.body.dispatchEvent(new CustomEvent('orch:transition'));
        await settled;
        refreshes.push(performance.now() - began);
      }
      return { refreshes, longest };
    });
    row('in Chromium: live refresh, request to settled (median / p99)', `${ms(median(result.refreshes))} / ${ms(percentile(result.refreshes, 99))}`);
    row('in Chromium: longest main-thread task meanwhile', result.longest === 0 ? 'none over 50 ms' : ms(result.longest));
  } finally {
    await browser.close();
    server.close();
  }
}
