import { readFileSync } from 'node:fs';

/** Read once at load; the same relative path works from `src/` (tsx) and `dist/` (the bin). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
