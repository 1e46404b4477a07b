/** The dashboard's static files, read once: its own from `ui/assets`, htmx and uPlot from node_modules (never a CDN). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

export interface Asset {
  body: string;
  type: string;
}

export function loadAssets(): Map<string, Asset> {
  const root = packageRoot();
  const resolve = createRequire(join(root, 'package.json')).resolve;
  const htmx = resolve('htmx.org/dist/htmx.min.js');
  // The IIFE build defines the `uPlot` global charts.js draws with.
  const uplot = (file: string) => resolve(`uplot/dist/${file}`);
  return new Map([
    ['htmx.min.js', { body: readFileSync(htmx, 'utf8'), type: 'text/javascript; charset=utf-8' }],
    ['uPlot.iife.min.js', { body: readFileSync(uplot('uPlot.iife.min.js'), 'utf8'), type: 'text/javascript; charset=utf-8' }],
    ['uPlot.min.css', { body: readFileSync(uplot('uPlot.min.css'), 'utf8'), type: 'text/css; charset=utf-8' }],
    ['dashboard.js', { body: readFileSync(join(root, 'ui/assets/dashboard.js'), 'utf8'), type: 'text/javascript; charset=utf-8' }],
    ['charts.js', { body: readFileSync(join(root, 'ui/assets/charts.js'), 'utf8'), type: 'text/javascript; charset=utf-8' }],
    ['style.css', { body: readFileSync(join(root, 'ui/assets/style.css'), 'utf8'), type: 'text/css; charset=utf-8' }],
    ['favicon.svg', { body: readFileSync(join(root, 'ui/assets/favicon.svg'), 'utf8'), type: 'image/svg+xml' }],
  ]);
}
