/**
 * The daemon command a boot service runs: the Node binary and entry point this CLI runs from (the
 * compiled bin, or the source with tsx's loader), the daemon's V8 flags, `daemon --config PATH`.
 * `orch daemon`, not `orch monitor`: monitor attaches to a daemon it finds running and prints a login
 * link, while the daemon verb runs one or exits 75 when another holds the ORCH_HOME.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OrchHome } from '../../home.js';
import { daemonOnlyVariables } from '../daemon-env.js';
import { DAEMON_NODE_FLAGS } from '../launch.js';
import type { StartupSpec } from './units.js';

/** How this CLI was started. */
export interface Runtime {
  execPath: string;
  entry: string;
  execArgv: string[];
  cwd: string;
}

export function currentRuntime(): Runtime {
  return { execPath: process.execPath, entry: resolve(process.argv[1]!), execArgv: process.execArgv, cwd: process.cwd() };
}

export function startupSpec(home: OrchHome, configPath: string, homeDir: string, env: NodeJS.ProcessEnv, runtime: Runtime): StartupSpec {
  return {
    command: [
      runtime.execPath,
      ...DAEMON_NODE_FLAGS,
      ...loaderFlags(runtime.execArgv, runtime.cwd),
      runtime.entry,
      'daemon',
      '--config',
      resolve(runtime.cwd, configPath),
    ],
    environment: { ORCH_HOME: home.root, ...(env.PATH ? { PATH: env.PATH } : {}), ...daemonOnlyVariables({}) },
    workingDirectory: homeDir,
    logFile: home.orchestratorLog,
  };
}

const LOADER_FLAGS = new Set(['--import', '--loader', '--experimental-loader']);

/**
 * The module loaders among Node's flags (`--import tsx` from source), other flags (`--inspect`) left
 * out. Node resolves a loader from its working directory, which a boot service does not share, so
 * each one is made absolute.
 */
export function loaderFlags(execArgv: string[], cwd: string): string[] {
  const flags: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    const [flag, inline] = execArgv[i]!.split(/=(.*)/s);
    if (!LOADER_FLAGS.has(flag!)) continue;
    const specifier = inline ?? execArgv[(i += 1)];
    if (specifier !== undefined) flags.push(flag!, absoluteSpecifier(specifier, cwd));
  }
  return flags;
}

function absoluteSpecifier(specifier: string, cwd: string): string {
  if (specifier.startsWith('./') || specifier.startsWith('../')) return pathToFileURL(resolve(cwd, specifier)).href;
  if (isAbsolute(specifier) || /^[a-z][\w+.-]*:/i.test(specifier)) return specifier;
  try {
    // A package (tsx, a dependency of orch): resolved from orch's own folder, where the CLI found it too.
    return import.meta.resolve(specifier);
  } catch {
    return specifier;
  }
}
