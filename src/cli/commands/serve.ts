/** `orch serve --server NAME`: one server in the foreground, for a container (see src/serve/serve.ts). */
import { readFileSync } from 'node:fs';
import { OrchError } from '../../errors.js';
import { resolveHome } from '../../home.js';
import { configPath, resolvePort, type DaemonFlags } from '../options.js';

export interface ServeFlags extends DaemonFlags {
  server?: string | string[];
  tokenFile?: string;
  allowOrigin?: string | string[];
}

/** The port a container listens on unless told otherwise: an unprivileged one, like most images use. */
const DEFAULT_SERVE_PORT = 8080;

export async function serveCommand(flags: ServeFlags): Promise<void> {
  const servers = flags.server === undefined ? [] : [flags.server].flat().map(String);
  if (servers.length !== 1) throw new OrchError('USAGE', 'orch serve runs one server: give it as --server NAME');
  const { runServe } = await import('../../serve/serve.js');
  await runServe({
    server: servers[0]!,
    configPath: configPath(flags, resolveHome()),
    host: flags.host ?? '127.0.0.1',
    port: resolvePort(flags) ?? DEFAULT_SERVE_PORT,
    token: givenToken(flags.tokenFile),
    allowedOrigins: flags.allowOrigin === undefined ? [] : [flags.allowOrigin].flat().map(String),
  });
}

function givenToken(tokenFile: string | undefined): string | undefined {
  const fromEnv = process.env.ORCH_TOKEN;
  // Servers inherit orch's environment: none of them should hold the key to the endpoint.
  delete process.env.ORCH_TOKEN;
  if (fromEnv) return fromEnv;
  if (tokenFile === undefined) return undefined;
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (error) {
    throw new OrchError('USAGE', `--token-file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (token === '') throw new OrchError('USAGE', `--token-file ${tokenFile} is empty`);
  return token;
}
