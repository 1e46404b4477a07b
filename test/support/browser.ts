/**
 * A real daemon on the bundled demo config in development mode, and Debian's Chromium (driven by
 * playwright-core, no browser download) logged in to its dashboard. The demo is started through a
 * link inside the sandbox, so the pages (and the screenshots) show no path of this machine.
 */
import { symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createSandbox, runOrch, type CliResult } from './cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The checkout: no page may show it. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface DemoDashboard {
  browser: Browser;
  /** Logged in through the one-time link. */
  page: Page;
  /** The dashboard's origin, e.g. `http://127.0.0.1:41234`. */
  base: string;
  /** Runs the CLI against this daemon. */
  orch(...args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

export async function openDemoDashboard(): Promise<DemoDashboard> {
  const sandbox = createSandbox();
  sandbox.env.NODE_ENV = 'development';
  const demo = join(dirname(sandbox.home), 'demo');
  symlinkSync(REPO_ROOT, demo);
  const started = await runOrch(['start', '--config', join(demo, 'examples/demo.mcp.json')], sandbox.env, 60_000);
  expect(started.code, started.stderr).toBe(0);
  const link = await runOrch(['dashboard', '--no-open'], sandbox.env);
  expect(link.code, link.stderr).toBe(0);
  const url = link.stdout.split('\n')[0]!;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  return {
    browser,
    page,
    base: new URL(url).origin,
    orch: (...args) => runOrch(args, sandbox.env),
    async close() {
      await browser.close();
      await runOrch(['shutdown'], sandbox.env);
      sandbox.remove();
    },
  };
}
