/**
 * Run at image build time by the Dockerfile `orch export kubernetes` writes, once a server's packages
 * are installed: `node npx-bin.js PREFIX PACKAGE [BIN]` links PREFIX/server to the executable npx
 * would have run (BIN when the config named it with `npx -p`). The exported config names
 * PREFIX/server, which is known before anyone has read the package's bin names.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { npxBin, type PackageManifest } from './npx.js';

const [prefix, name, given] = process.argv.slice(2);
if (prefix === undefined || name === undefined) {
  process.stderr.write('usage: node npx-bin.js PREFIX PACKAGE [BIN]\n');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(prefix, 'node_modules', name, 'package.json'), 'utf8')) as PackageManifest;
const bin = given ?? npxBin(manifest);
const target = bin === undefined ? undefined : join(prefix, 'node_modules', '.bin', bin);
if (target === undefined || !existsSync(target)) {
  const names = typeof manifest.bin === 'object' ? Object.keys(manifest.bin).join(', ') : 'none';
  process.stderr.write(`${name}: no executable${given ? ` ${given}` : ''} to run (its bins: ${names}); name one in the config as npx -p ${name} BIN\n`);
  process.exit(1);
}
symlinkSync(target, join(prefix, 'server'));
