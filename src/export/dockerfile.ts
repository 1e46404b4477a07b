/**
 * The Dockerfile `orch export kubernetes` writes beside the manifests: orch's own image plus every
 * package the config runs through `npx`, installed at build time into one folder per server, so a
 * pod starts without fetching code. Commands npm cannot provide (uvx, python, docker…) are listed
 * for the user to add.
 */
import { packageName } from './npx.js';
import type { ServerPlan } from './servers.js';

export interface DockerfileOptions {
  /** orch's own image, built from the Dockerfile at the root of orch's repository. */
  orchImage: string;
  /** The tag the Deployments run. */
  image: string;
}

/** Where the orch image holds the script that links a server's executable (src/export/npx-bin.ts). */
const NPX_BIN_SCRIPT = '/app/dist/npx-bin.js';

export function renderDockerfile(plans: readonly ServerPlan[], options: DockerfileOptions): string {
  const lines = [
    '# The image the Deployments beside this file run: orch, and every package the config runs',
    '# through npx, installed now so that no pod downloads code when it starts.',
    `#   docker build -t ${options.orchImage} <orch checkout>   (orch's own image, once per orch version)`,
    `#   docker build -t ${options.image} .`,
    `ARG ORCH_IMAGE=${options.orchImage}`,
    'FROM ${ORCH_IMAGE}',
  ];
  const installs = plans.filter((plan) => plan.install);
  if (installs.length > 0) lines.push('USER root');
  for (const { name, install } of installs) {
    const { prefix, packages, bin } = install!;
    lines.push(
      '',
      `# ${name}`,
      `RUN npm install --prefix ${prefix} --omit=dev --no-audit --no-fund ${packages.map(shellWord).join(' ')} \\`,
      ` && node ${NPX_BIN_SCRIPT} ${[prefix, packageName(packages[0]!), ...(bin === undefined ? [] : [bin])].map(shellWord).join(' ')} \\`,
      ' && npm cache clean --force',
    );
  }
  if (installs.length > 0) lines.push('USER node');
  const missing = plans.filter((plan) => plan.notInImage !== undefined);
  if (missing.length > 0) {
    lines.push('', '# Cannot install: add what these servers run to this image yourself.');
    for (const plan of missing) lines.push(`#   ${plan.name}: ${plan.notInImage!.replaceAll('\n', ' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Plain when the shell gives none of its characters a meaning, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
