/**
 * The bundle's chunks the daemon loads at boot hold zod's mini build and no classic zod (#16: classic
 * cost the daemon 12 MB and 58 ms). Easy to undo unseen: chunks are shared, so one `import { z } from
 * 'zod'`, even in a CLI verb, puts its 370 KB of locales into a chunk the daemon loads.
 * Built in memory from scripts/build-options.mjs, the very builds `npm run build` writes: the daemon
 * runs the bin's single file, then the split build's `daemon` entry and the chunks it imports.
 */
import { build, type Metafile } from 'esbuild';
import { expect, test } from 'vitest';
import { BUILDS } from '../../scripts/build-options.mjs';

async function bundle(options: (typeof BUILDS)[number]): Promise<Metafile> {
  const { metafile } = await build({ ...options, write: false, metafile: true, logLevel: 'silent' });
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
  const [split, bin] = await Promise.all(BUILDS.map(bundle));
  const inputs = (metafile: Metafile, outputs: Iterable<string>) => [...outputs].flatMap((out) => Object.keys(metafile.outputs[out]!.inputs));
  const loaded = [...inputs(split!, loadedWith(split!, 'src/cli/commands/daemon.ts')), ...inputs(bin!, Object.keys(bin!.outputs))];
  const zod = loaded.filter((input) => input.includes('node_modules/zod/'));

  expect(zod.filter((input) => input.includes('/v4/classic/') || (input.includes('/locales/') && !input.endsWith('/en.js')))).toEqual([]);
  expect(zod.filter((input) => input.includes('/v4/mini/'))).not.toEqual([]);
});
