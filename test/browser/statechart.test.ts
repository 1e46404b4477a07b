/**
 * The statechart page in Chromium (launched as in dashboard.test.ts) against a real daemon on the demo
 * config in development mode: an SVG diagram whose highlight follows the chosen server.
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, runOrch, type Sandbox } from '../support/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO = fileURLToPath(new URL('../../examples/demo.mcp.json', import.meta.url));

let sandbox: Sandbox;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  sandbox = createSandbox();
  sandbox.env.NODE_ENV = 'development';
  const started = await runOrch(['start', '--config', DEMO], sandbox.env, 60_000);
  expect(started.code, started.stderr).toBe(0);
  const link = await runOrch(['dashboard', '--no-open'], sandbox.env);
  expect(link.code, link.stderr).toBe(0);
  const url = link.stdout.split('\n')[0]!;
  base = new URL(url).origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runOrch(['shutdown'], sandbox.env);
  sandbox.remove();
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
    await runOrch(['stop', 'everything'], sandbox.env);
    await expect.poll(lit, { timeout: 15_000 }).toEqual(['server.stopped']);
    await runOrch(['start', 'everything'], sandbox.env);
    await expect.poll(lit, { timeout: 15_000 }).toContain('server.active.running');
  }, 60_000);
});
