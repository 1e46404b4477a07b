/**
 * The bundle's chunks the daemon loads at boot hold zod's mini build and no classic zod (#16: classic
 * cost the daemon 12 MB and 58 ms). Easy to undo unseen: chunks are shared, so one `import { z } from
 * 'zod'`, even in a CLI verb, puts its 370 KB of locales into a chunk the daemon loads.
 * Built in memory like scripts/build.mjs's split build, from the CLI alone: its lazy imports reach every
 * verb, the daemon and the gateway's SDK, which is all that shares chunks with the daemon.
 */
import { build, type Metafile } from 'esbuild';
import { expect, test } from 'vitest';

async function bundle(): Promise<Metafile> {
  const { metafile } = await build({
    entryPoints: ['src/cli/cli.ts'],
    outdir: 'dist',
    write: false,
    metafile: true,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    external: ['piscina', 'open'],
    logLevel: 'silent',
  });
  return metafile;
}

/** The outputs a module's chunk loads before it runs: its own and, transitively, what it imports statically. */
function loadedWith(metafile: Metafile, source: string): Set<string> {
  const outputs = metafile.outputs;
  const holder = Object.keys(outputs).find((out) => source in outputs[out]!.inputs);
  if (!holder) throw new Error(`no chunk holds ${source}`);
  const loaded = new Set<string>();
  const visit = (out: string) => {
    if (loaded.has(out)) return;
    loaded.add(out);
    for (const { path, kind, external } of outputs[out]!.imports) if (kind === 'import-statement' && !external) visit(path);
  };
  visit(holder);
  return loaded;
}

test('the daemon boots on zod mini: no classic zod, no locale but English', { timeout: 60_000 }, async () => {
  const metafile = await bundle();
  const chunks = new Set([...loadedWith(metafile, 'src/cli/cli.ts'), ...loadedWith(metafile, 'src/cli/commands/daemon.ts')]);
  const zod = [...chunks].flatMap((out) => Object.keys(metafile.outputs[out]!.inputs)).filter((input) => input.includes('node_modules/zod/'));

  expect(zod.filter((input) => input.includes('/v4/classic/') || (input.includes('/locales/') && !input.endsWith('/en.js')))).toEqual([]);
  expect(zod.filter((input) => input.includes('/v4/mini/'))).not.toEqual([]);
});
