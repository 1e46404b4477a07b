// What scripts/build.mjs builds, as esbuild options: the split build (the CLI's verbs, the daemon,
// the dashboard, each a lazy chunk) and the bin's single file. Its own module so that
// test/daemon/boot-chunks.test.ts builds exactly these in memory and checks what the daemon loads.
import { dirname, resolve } from 'node:path';

export const OUT = 'dist';
const shared = {
  outdir: OUT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Prefer a package's ES module build: some UMD builds (jsonc-parser) require their own files at run time.
  mainFields: ['module', 'main'],
  // They find files of their own beside their code (piscina its worker, open its xdg-open): left in node_modules.
  external: ['piscina', 'open'],
  sourcemap: true,
  // Bundled CommonJS dependencies still call require.
  banner: { js: "import { createRequire as __orchCreateRequire } from 'node:module'; const require = __orchCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

/**
 * The bin's imports of what the split build holds stay imports of its entries, not second copies:
 * bin.ts's `import('./cli.js')` and fast-path.ts's of the commands it runs without cac. Small
 * modules (errors.ts) are copied into the bin, so `orch status` loads one file; `isOrchError` knows
 * an OrchError from either copy.
 */
const APART = {
  'src/cli/cli.ts': './cli.js',
  'src/cli/commands/start.ts': './start.js',
  'src/cli/commands/daemon.ts': './daemon.js',
};
const splitApart = {
  name: 'split-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, ({ path, importer }) => {
      const source = resolve(dirname(importer), path.replace(/\.js$/, '.ts'));
      const entry = Object.entries(APART).find(([file]) => resolve(file) === source)?.[1];
      return entry === undefined ? undefined : { path: entry, external: true };
    });
  },
};

export const BUILDS = [
  {
    ...shared,
    entryPoints: {
      cli: 'src/cli/cli.ts',
      // What the bin's fast path runs: `orch start` and the daemon it launches.
      start: 'src/cli/commands/start.ts',
      daemon: 'src/cli/commands/daemon.ts',
      // Loaded by path at run time, so each is an entry of its own beside the chunks that need it.
      'sampler.worker': 'src/metrics/sampler.worker.ts',
      'npx-bin': 'src/export/npx-bin.ts',
    },
    splitting: true,
    chunkNames: 'chunk-[hash]',
  },
  // The bin's entry, one file without chunks: what the fast path answers (`orch status`, `--version`)
  // loads nothing else, as each file a command loads costs it about half a millisecond. It holds its
  // own copy of the few modules that path needs; every other command goes on to dist/cli.js.
  { ...shared, entryPoints: { orch: 'src/cli/bin.ts' }, plugins: [splitApart] },
];
