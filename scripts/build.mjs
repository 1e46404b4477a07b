// Bundles the CLI and the daemon into dist/ with esbuild (the builds are in build-options.mjs): one
// module graph loads faster and holds less memory than ~150 files of tsc output and their
// dependencies (see bench/cost.bench.ts). Each verb's and the dashboard's modules stay lazy chunks,
// loaded on first use. Type checking is `npm run typecheck`; this only emits.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { BUILDS, OUT } from './build-options.mjs';

rmSync(OUT, { recursive: true, force: true });
await Promise.all(BUILDS.map((options) => build(options)));
