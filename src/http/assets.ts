/** The dashboard's static files, read once: its own from `ui/assets`, htmx from node_modules (never a CDN). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: string;
  type: string;
}

/** From `src/http` or `dist/src/http` alike: the folder holding package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('orch: cannot find its package folder');
    dir = parent;
  }
  return dir;
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
