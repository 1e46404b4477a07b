/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (no browser download),
 * against a real daemon on the bundled demo config. If the browser cannot start, this fails.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoDashboard, REPO_ROOT, type DemoDashboard } from '../support/browser.js';

/** `ORCH_SCREENSHOTS=docs npm test` refreshes the README's pictures. */
const SHOTS = process.env.ORCH_SCREENSHOTS;

let dashboard: DemoDashboard;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  dashboard = await openDemoDashboard();
  ({ browser, page, base } = dashboard);
}, 90_000);

afterAll(async () => {
  await dashboard?.close();
});

const cardState = (name: string) => page.locator(`.card[data-server="${name}"]`).getAttribute('data-state');
/** The tick labels uPlot drew on a graph's canvas (it keeps them on the instance): [time axis, value axis]. */
const axisLabels = (chart: string) =>
  page.evaluate((label) => {
    const figure = document.querySelector(`figure[data-chart="${label}"]`) as HTMLElement & { plot: { axes: { _values: string[] | null }[] } };
    return figure.plot.axes.map((axis) => axis._values ?? []);
  }, chart);

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

  it('shows each state as a coloured dot and its word, figures in human units, the daemon in the header', async () => {
    const dot = page.locator('.card[data-server="memory"] .state .dot');
    const colours = await dot.evaluate((el) => ({ dot: getComputedStyle(el).backgroundColor, word: getComputedStyle(el.parentElement!).color }));
    expect(colours.dot).toBe(colours.word);
    expect(colours.dot).not.toBe('rgba(0, 0, 0, 0)');
    expect(await dot.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(5);
    expect(await page.textContent('.card[data-server="memory"] .state')).toBe(' running');
    expect(await page.textContent('.card[data-server="memory"] [data-figure="memory"]')).toMatch(/^\d+(\.\d)? MB$/);
    expect(await page.textContent('[data-daemon="rss"]')).toMatch(/^\d+(\.\d)? MB$/);
    expect(await page.textContent('[data-config]')).not.toContain(REPO_ROOT);
    expect(await page.title()).toBe('Overview · orch');
    const favicon = await page.request.get(`${base}/favicon.ico`);
    expect(favicon.headers()['content-type']).toBe('image/svg+xml');
  });

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
    // Log lines, transitions and the policy read in local time and human units.
    expect(await page.locator('#log .line time').first().textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // (A live refresh may have just swapped the rows in: they are shown in local time right after.)
    await expect.poll(() => page.locator('td.time time').first().getAttribute('title')).toMatch(/\d{4}.*\(\d{4}-\d\d-\d\dT/);
    expect(await page.textContent('[data-policy="restart.resetAfterMs"]')).toBe('2 min');
    expect(await page.textContent('[data-policy="health.memoryBytes"]')).toBe('1 GB');
  }, 60_000);

  it('graphs real samples with a time axis, a value axis in units, the limit line and hover values', async () => {
    // The sampler adds a point every few seconds: wait for a line, then for the live region to redraw it.
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('figure[data-chart="Memory"]')?.dataset.points) >= 3, undefined, {
      timeout: 30_000,
    });
    const [time, values] = await axisLabels('Memory');
    expect(time!.length).toBeGreaterThan(0);
    for (const label of time!) expect(label).toMatch(/^\d\d:\d\d(:\d\d)?$/);
    // The 1 GB limit is on the scale, so the axis reaches it.
    expect(values).toContain('1 GB');
    for (const label of values!) expect(label).toMatch(/^(0|\d+(\.\d+)? (KB|MB|GB))$/);
    expect((await axisLabels('CPU'))[1]!.every((label) => label.endsWith('%'))).toBe(true);
    expect(await page.locator('figure[data-chart="Memory"] .u-legend').textContent()).toContain('limit');
    expect(await page.locator('figure[data-chart="Ping"] .u-legend').textContent()).not.toContain('limit');
    // Hovering the middle of the graph shows the values at that time in the legend.
    const over = page.locator('figure[data-chart="Memory"] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const legend = page.locator('figure[data-chart="Memory"] .u-legend .u-series');
    await expect.poll(() => legend.nth(1).locator('.u-value').textContent()).toMatch(/^\d+(\.\d)? MB$/);
    expect(await legend.nth(0).locator('.u-value').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(await legend.nth(2).locator('.u-value').textContent()).toBe('1 GB');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'detail.png'), fullPage: true });
    await page.mouse.move(0, 0);
    // The live region's refresh redraws the same graph with the new samples; the tab title follows the state.
    const points = await page.locator('figure[data-chart="Memory"]').getAttribute('data-points');
    await page.waitForFunction((before) => Number(document.querySelector<HTMLElement>('figure[data-chart="Memory"]')?.dataset.points) > Number(before), points, {
      timeout: 20_000,
    });
    expect(await page.locator('figure[data-chart="Memory"] canvas').count()).toBe(1);
    expect(await page.title()).toBe('memory running · orch');
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
