/**
 * `npx` servers in an image that never downloads at boot. npx fetches the package when it runs, and
 * even a package installed beforehand is looked up in the registry when the spec names a version
 * (measured: `npm_config_offline=true npx -y pkg@1.6.0` fails ENOTCACHED with pkg@1.6.0 installed
 * globally). So the image installs each server's packages into its own folder at build time, and
 * the server runs the executable npx would have picked, linked to a fixed path by `npx-bin.ts`.
 */

/** What `npx ARGS` runs: packages to install, the executable when `-p` named it, and its arguments. */
export interface NpxCommand {
  packages: string[];
  /** Given with `npx -p PKG BIN`; otherwise npx picks it from the package (`npxBin`). */
  bin?: string;
  args: string[];
}

/** Flags that change nothing about what runs once the package is installed. */
const IGNORED = new Set(['-y', '--yes', '--no', '--no-install', '-q', '--quiet', '--silent', '--prefer-offline', '--prefer-online', '--offline']);

/** A registry package, with a version, range or tag if any: `pkg`, `@scope/pkg@1.2.3`. Git, file and URL specs are not. */
const REGISTRY_SPEC = /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*(@[\w.^~<>=|*+-]+)?$/i;
const BIN_NAME = /^[\w.-]+$/;

/** What npx would run, or why orch cannot install it ahead of time. */
export function parseNpx(args: readonly string[]): NpxCommand | { problem: string } {
  const packages: string[] = [];
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-')) break;
    if (IGNORED.has(arg)) continue;
    if (arg === '-p' || arg === '--package') packages.push(args[++index] ?? '');
    else if (arg.startsWith('--package=')) packages.push(arg.slice('--package='.length));
    else if (arg === '-c' || arg === '--call' || arg.startsWith('--call=')) return { problem: 'npx -c runs a shell command' };
    else return { problem: `npx option ${arg} is not one orch understands` };
  }
  const first = args[index];
  if (first === undefined) return { problem: 'npx names no package' };
  const rest = args.slice(index + 1);
  const bad = [...packages, ...(packages.length === 0 ? [first] : [])].find((spec) => !REGISTRY_SPEC.test(spec));
  if (bad !== undefined) return { problem: `${bad} is not an npm registry package (git, file, URL and \${…} specs are not installed)` };
  if (packages.length === 0) return { packages: [first], args: rest };
  if (!BIN_NAME.test(first)) return { problem: `${first} is not an executable name` };
  return { packages, bin: first, args: rest };
}

/** `@scope/pkg@^1.2` → `@scope/pkg`. */
export function packageName(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at === -1 ? spec : spec.slice(0, at);
}

/** Whether the spec names a version (or range, or tag) rather than "the newest". */
export function isPinned(spec: string): boolean {
  return packageName(spec) !== spec;
}

export interface PackageManifest {
  name: string;
  bin?: string | Record<string, string>;
}

/**
 * The executable npx runs for a package: its only one (or several names for one file), else the one
 * named like the package without its scope; undefined where npx fails with "could not determine
 * executable to run". The rule of npm's libnpmexec `get-bin-from-manifest.js`.
 */
export function npxBin(manifest: PackageManifest): string | undefined {
  const unscoped = manifest.name.replace(/^@[^/]+\//, '');
  const bin = typeof manifest.bin === 'string' ? { [unscoped]: manifest.bin } : (manifest.bin ?? {});
  if (new Set(Object.values(bin)).size === 1) return Object.keys(bin)[0];
  return Object.hasOwn(bin, unscoped) ? unscoped : undefined;
}
