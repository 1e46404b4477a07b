/**
 * The statechart page in Chromium (test/support/browser.ts) against a real daemon on the demo
 * config in development mode: an SVG diagram whose highlight follows the chosen server.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoDashboard, type DemoDashboard } from '../support/browser.js';

let dashboard: DemoDashboard;
let page: Page;
let base: string;

beforeAll(async () => {
  dashboard = await openDemoDashboard();
  ({ page, base } = dashboard);
}, 90_000);

afterAll(async () => {
  await dashboard?.close();
});

const lit = () => page.$$eval('svg.statechart .chart-state.current', (groups) => groups.map((g) => g.getAttribute('data-state-id')));

describe('statechart in Chromium', () => {
  it('draws boxes and labelled arrows, and the highlight follows the chosen server live', async () => {
    await page.goto(`${base}/statechart?server=memory`);
    const svg = page.locator('svg.statechart');
    await svg.waitFor();
    // Laid out for real: boxes with area, the nested ones inside their container.
    const running = await page.locator('[data-state-id="server.active.running"] rect').boundingBox();
    const waiting = await page.locator('[data-state-id="server.active.running.waiting"] rect').boundingBox();
    expect(running!.width * running!.height).toBeGreaterThan(waiting!.width * waiting!.height);
    expect(waiting!.x).toBeGreaterThan(running!.x);
    expect(waiting!.y + waiting!.height).toBeLessThan(running!.y + running!.height);
    expect(await page.locator('svg.statechart .chart-edge text').count()).toBeGreaterThan(20);
    await expect.poll(lit, { timeout: 20_000 }).toContain('server.active.running');

    await page.selectOption('#chart-server', 'everything');
    await expect.poll(() => svg.getAttribute('data-chosen')).toBe('everything');
    await dashboard.orch('stop', 'everything');
    await expect.poll(lit, { timeout: 15_000 }).toEqual(['server.stopped']);
    await dashboard.orch('start', 'everything');
    await expect.poll(lit, { timeout: 15_000 }).toContain('server.active.running');
  }, 60_000);
});
