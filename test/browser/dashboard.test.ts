/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (no browser download),
 * against a real daemon on the bundled demo config. If the browser cannot start, this fails.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, runOrch, type Sandbox } from '../support/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO = fileURLToPath(new URL('../../examples/demo.mcp.json', import.meta.url));
/** `ORCH_SCREENSHOTS=docs npm test` refreshes the README's pictures. */
const SHOTS = process.env.ORCH_SCREENSHOTS;

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

const cardState = (name: string) => page.locator(`.card[data-server="${name}"]`).getAttribute('data-state');

describe('dashboard in Chromium', () => {
  it('the login link sets the session; every demo server reaches running', async () => {
    expect(new URL(page.url()).pathname).toBe('/');
    await page.waitForFunction(
      () => ['memory', 'everything', 'flaky'].every((n) => document.querySelector<HTMLElement>(`.card[data-server="${n}"]`)?.dataset.state === 'running'),
      undefined,
      { timeout: 30_000 },
    );
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, 'overview.png') });
    }
  }, 60_000);

  it('Restart passes through starting to running with a new pid', async () => {
    const card = page.locator('.card[data-server="memory"]');
    const oldPid = await card.getAttribute('data-pid');
    // Record every state the card shows: the live region is re-rendered on each transition.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const state = document.querySelector<HTMLElement>('.card[data-server="memory"]')?.dataset.state;
        if (state && seen.at(-1) !== state) seen.push(state);
      }).observe(document.getElementById('live')!, { childList: true, subtree: true });
    });
    await card.getByRole('button', { name: 'Restart memory' }).click();
    await page.waitForFunction(
      (old) => {
        const el = document.querySelector<HTMLElement>('.card[data-server="memory"]');
        return el?.dataset.state === 'running' && el.dataset.pid !== old;
      },
      oldPid,
      { timeout: 20_000 },
    );
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen).toContain('starting');
    expect(seen.at(-1)).toBe('running');
    expect(await cardState('memory')).toBe('running');
  }, 30_000);

  it('keeps the filter across live updates', async () => {
    await page.fill('#filter-name', 'every');
    await page.waitForFunction(() => document.querySelectorAll('.card').length === 1);
    await page.getByRole('button', { name: 'Restart everything' }).click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.card[data-server="everything"]')?.dataset.state !== 'running');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.card[data-server="everything"]')?.dataset.state === 'running', undefined, {
      timeout: 20_000,
    });
    expect(await page.inputValue('#filter-name')).toBe('every');
    expect(await page.locator('.card').count()).toBe(1);
    await page.fill('#filter-name', '');
    await page.waitForFunction(() => document.querySelectorAll('.card').length === 3);
  }, 30_000);

  it('the detail page tails the log live: a new stderr line appears', async () => {
    await page.click('.card[data-server="memory"] header a');
    await page.waitForURL(`${base}/servers/memory`);
    await page.locator('#log-status', { hasText: 'following' }).waitFor();
    const marker = 'Knowledge Graph MCP Server running on stdio';
    const before = await page.locator('#log .line', { hasText: marker }).count();
    await page.getByRole('button', { name: 'Restart memory' }).click();
    await page.waitForFunction(
      ([text, count]) => [...document.querySelectorAll('#log .line')].filter((l) => l.textContent?.includes(text as string)).length > (count as number),
      [marker, before] as const,
      { timeout: 20_000 },
    );
    await page.waitForFunction(() => document.querySelector<HTMLElement>('h1[data-server]')?.dataset.state === 'running', undefined, { timeout: 20_000 });
    await page.locator('figure[data-chart="Memory"] polyline').waitFor({ timeout: 20_000 });
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'detail.png'), fullPage: true });
  }, 60_000);

  it('the statechart page highlights the current state of each server', async () => {
    await page.goto(`${base}/statechart`);
    const running = page.locator('.chart-state.current[data-state-id="server.active.running"]');
    await running.waitFor();
    await expect.poll(() => running.getAttribute('data-servers')).toMatch(/memory/);
    expect(await page.locator('.chart-state[data-state-id="server.crashed"]').count()).toBe(1);
  }, 30_000);

  it('without the session cookie the page says how to get in, and shows no data', async () => {
    const stranger = await browser.newPage();
    await stranger.goto(base);
    expect(await stranger.textContent('main')).toContain('orch dashboard');
    expect(await stranger.locator('.card').count()).toBe(0);
    await stranger.close();
  });
});
