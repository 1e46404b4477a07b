/** orch's own package folder, from `src/` (tsx) and `dist/` (the bundled bin) alike: the nearest folder with a package.json. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('orch: cannot find its package folder');
    dir = parent;
  }
  return dir;
}
