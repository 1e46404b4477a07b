/** The dashboard's static files, read once: its own from `ui/assets`, htmx from node_modules (never a CDN). */
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
  const htmx = createRequire(join(root, 'package.json')).resolve('htmx.org/dist/htmx.min.js');
  return new Map([
    ['htmx.min.js', { body: readFileSync(htmx, 'utf8'), type: 'text/javascript; charset=utf-8' }],
    ['dashboard.js', { body: readFileSync(join(root, 'ui/assets/dashboard.js'), 'utf8'), type: 'text/javascript; charset=utf-8' }],
    ['style.css', { body: readFileSync(join(root, 'ui/assets/style.css'), 'utf8'), type: 'text/css; charset=utf-8' }],
  ]);
}
