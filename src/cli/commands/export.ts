/**
 * `orch export kubernetes`: writes what runs the config's servers in a cluster (src/export/kubernetes.ts)
 * into a folder. Env files there keep the values a user filled in; they are written mode 0600.
 * What was written goes to stdout with the next steps; what needs the user's attention to stderr.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { inputLookup, readSecrets, secretsFile } from '../../config/inputs.js';
import { loadConfig } from '../../config/load.js';
import { fsReason, OrchError } from '../../errors.js';
import { exportKubernetes } from '../../export/kubernetes.js';
import { resolveHome } from '../../home.js';
import { packageRoot } from '../../package-root.js';
import { VERSION } from '../../version.js';
import { configPath } from '../options.js';

export interface ExportFlags {
  config?: string;
  out?: string;
  namespace?: string;
  image?: string;
  withSecrets?: boolean;
  allowOrigin?: string | string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export async function exportCommand(target: string, flags: ExportFlags): Promise<void> {
  if (target !== 'kubernetes') throw new OrchError('USAGE', `cannot export to "${target}" (known: kubernetes)`);
  const namespace = flags.namespace === undefined ? undefined : String(flags.namespace);
  if (namespace !== undefined && !(DNS_LABEL.test(namespace) && namespace.length <= 63)) {
    throw new OrchError('USAGE', `--namespace ${namespace}: expected lowercase letters, digits and -, at most 63`);
  }
  const image = flags.image === undefined ? `orch-servers:${VERSION}` : String(flags.image);
  if (!/^\S+$/.test(image)) throw new OrchError('USAGE', `--image "${image}": expected an image reference such as registry.example.com/orch-servers:1.0`);
  const home = resolveHome();
  const path = resolve(configPath(flags, home));
  const config = await loadConfig(path);
  const outName = flags.out === undefined ? 'k8s' : String(flags.out);
  const out = resolve(outName);

  const result = exportKubernetes(
    { config, text: readFileSync(path, 'utf8'), packageRoot: packageRoot(), previous: envFiles(join(out, 'secrets')) },
    {
      image,
      orchImage: `orch:${VERSION}`,
      ...(namespace !== undefined && { namespace }),
      allowOrigins: flags.allowOrigin === undefined ? [] : [flags.allowOrigin].flat().map(String),
      ...(flags.withSecrets && {
        secrets: { env: (name: string) => process.env[name], input: inputLookup(readSecrets(secretsFile(home)), process.env) },
      }),
    },
  );
  for (const file of result.files) {
    const target = join(out, file.path);
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content, file.secret ? { mode: 0o600 } : {});
      // An existing file keeps its mode on write: make sure a secrets file is private even then.
      if (file.secret) chmodSync(target, 0o600);
    } catch (error) {
      throw new OrchError('EXPORT_FAILED', `cannot write ${join(outName, file.path)}: ${fsReason(error)}`);
    }
    process.stdout.write(`wrote ${join(outName, file.path)}\n`);
  }
  for (const note of result.notes) process.stderr.write(`orch: note: ${note}\n`);
  process.stdout.write(`next: docker build -t orch:${VERSION} <orch checkout> · docker build -t ${image} ${outName} · kubectl apply -k ${outName}\n`);
}

/** `secrets/*.env` already in the output folder, by their path inside it. */
function envFiles(dir: string): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.env'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new OrchError('EXPORT_FAILED', `cannot read ${dir}: ${fsReason(error)}`);
  }
  return new Map(names.map((name) => [`secrets/${name}`, readFileSync(join(dir, name), 'utf8')]));
}
