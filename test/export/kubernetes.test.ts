/**
 * `orch export kubernetes` as a pure function: the demo and a fixture config with a per-session
 * server, env secrets, pinned and unpinned npx servers, python and uvx servers, a remote entry and a
 * disabled one. Every object is read back with a YAML 1.1 parser (what Kubernetes reads) and
 * validated against the Kubernetes API schemas (kubernetes-models); probes and limits are checked
 * as derived; no value leaves the env files, and those hold values only with `--with-secrets`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { OrchError } from '../../src/errors.js';
import { exportKubernetes, type KubernetesExportOptions } from '../../src/export/kubernetes.js';
import { kubernetesName } from '../../src/export/names.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO = join(ROOT, 'examples/demo.mcp.json');
const OPTIONS: KubernetesExportOptions = { image: 'orch-servers:test', orchImage: 'orch:test' };

/** Values that must appear in no file unless asked for. */
const SECRETS = { token: 'ghp-token-value-7f3a', apiKey: 'api-key-value-91c2', input: 'input-value-55d1', dbUrl: 'postgres://u:pw-value-3b@db/x' };
const PROCESS_ENV = { HOME: '/home/tester', API_KEY: SECRETS.apiKey, ORCH_INPUT_DB_PASS: SECRETS.input, ORCH_TOKEN: 'orch-token-value-e4' };

const FIXTURE = {
  mcpServers: {
    github: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: SECRETS.token, DATABASE_URL: SECRETS.dbUrl },
    },
    search: { command: 'npx', args: ['--package=search-mcp', 'search-mcp-stdio', '--api-key', '${API_KEY}', '--db-pass=${input:db-pass}'] },
    fetch: { command: 'uvx', args: ['mcp-server-fetch'] },
    git: { command: 'python', args: ['-m', 'mcp_server_git', '--repository', '${HOME}/repo'] },
    'My Server': { command: 'npx', args: ['-y', 'loose-mcp'] },
    'my-server': { command: 'node', args: ['server.js'], cwd: '/srv/mcp' },
    session: { command: 'node', args: ['session.js'] },
    off: { command: 'node', args: ['off.js'], disabled: true },
    docs: { url: 'https://mcp.example.com/mcp' },
  },
  orchestrator: {
    defaults: { health: { intervalMs: 15_000, timeoutMs: 3_000 } },
    servers: {
      github: {
        health: { memoryBytes: 268_435_456, cpuPercent: 50, failureThreshold: 5 },
        start: { timeoutMs: 60_000 },
        stop: { graceMs: 1_000, killTimeoutMs: 2_000 },
      },
      session: { gateway: { sharing: 'per-session', sessionIdleMs: 120_000 } },
    },
  },
};
const FIXTURE_TEXT = JSON.stringify(FIXTURE, null, 2);
const fixtureConfig = () => parseConfig(FIXTURE_TEXT, '/cfg/mcp.json', PROCESS_ENV);
const withSecrets = { secrets: { env: (name: string) => PROCESS_ENV[name as keyof typeof PROCESS_ENV], input: () => SECRETS.input } };

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } } & Record<string, any>;

/** Every document of every YAML file, parsed as YAML 1.1; a parse warning or error fails the test. */
function objectsOf(files: { path: string; content: string }[]): K8sObject[] {
  return files
    .filter((file) => file.path.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(file.content, { version: '1.1' }).map((document) => {
        expect([...document.errors, ...document.warnings], file.path).toEqual([]);
        return document.toJS() as K8sObject;
      }),
    );
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
};
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The Kubernetes API schema of each object, plus the name and label rules those schemas leave out. */
function validate(object: K8sObject): void {
  if (object.kind === 'Kustomization') {
    expect(object.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    return;
  }
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  expect(Model, `${object.apiVersion} ${object.kind}`).toBeDefined();
  new Model!(object).validate();
  expect(object.metadata.name).toMatch(DNS_LABEL);
  expect(object.metadata.name.length).toBeLessThanOrEqual(63);
  for (const value of Object.values(object.metadata.labels ?? {})) expect(value).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
}

const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const container = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];

describe('orch export kubernetes', () => {
  it('exports the demo: valid objects, probes and limits from its policy, one Deployment and Service per server', async () => {
    const config = await loadConfig(DEMO, {});
    const { files, notes } = exportKubernetes({ config, text: readFileSync(DEMO, 'utf8'), packageRoot: ROOT }, OPTIONS);
    expect(files.map((file) => file.path)).toEqual([
      'Dockerfile',
      'kustomization.yaml',
      'configmap.yaml',
      'server-memory.yaml',
      'server-everything.yaml',
      'server-flaky.yaml',
      'secrets/orch.env',
      'secrets/memory.env',
    ]);
    const objects = objectsOf(files);
    objects.forEach(validate);
    // The schemas are really checked: a wrong type is refused.
    expect(() => new Deployment({ ...find(objects, 'Deployment', 'memory'), spec: { replicas: 'one' } } as never).validate()).toThrow(/replicas/);
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name ?? '-'}`)).toEqual([
      'Kustomization/-',
      'ConfigMap/orch-config',
      'Deployment/memory',
      'Service/memory',
      'Deployment/everything',
      'Service/everything',
      'Deployment/flaky',
      'Service/flaky',
    ]);

    const memory = container(find(objects, 'Deployment', 'memory'));
    // The demo checks every 5 s with a 2 s timeout; everything else is orch's default policy.
    expect(memory.startupProbe).toEqual({ httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 18 });
    expect(memory.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3 });
    expect(memory.livenessProbe).toEqual({ httpGet: { path: '/livez', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    expect(memory.resources).toEqual({ requests: { cpu: '325m', memory: '384Mi' }, limits: { cpu: '1000m', memory: '1152Mi' } });
    expect(memory.args).toEqual([
      'serve', '--server', 'memory', '--config', '/etc/orch/mcp.json', '--token-file', '/var/run/secrets/orch/orch-token',
      '--host', '0.0.0.0', '--allow-origin', 'http://memory',
    ]);
    // Not ORCH_TOKEN: the server would inherit it from orch's environment.
    expect(memory.env.map((e: { name: string }) => e.name)).toEqual(['ORCH_PORT', 'ORCH_HOME', 'HOME']);
    expect(memory.envFrom).toEqual([{ secretRef: { name: 'memory-env' } }]);
    expect(container(find(objects, 'Deployment', 'everything')).envFrom).toBeUndefined();

    // One config a server: orch serve loads the whole file, and only this server's variables are set in its pod.
    const configs = find(objects, 'ConfigMap', 'orch-config').data;
    expect(Object.keys(configs)).toEqual(['memory.json', 'everything.json', 'flaky.json']);
    expect(find(objects, 'Deployment', 'memory').spec.template.spec.volumes[0]).toEqual({
      name: 'config',
      configMap: { name: 'orch-config', items: [{ key: 'memory.json', path: 'mcp.json' }] },
    });
    // The demo's files are inside orch's package, which the image holds at /app.
    expect(JSON.parse(configs['memory.json'])).toEqual({
      mcpServers: {
        memory: {
          command: 'node',
          args: ['node_modules/@modelcontextprotocol/server-memory/dist/index.js'],
          cwd: '/app',
          env: { MEMORY_FILE_PATH: '${MEMORY_FILE_PATH}' },
        },
      },
      orchestrator: { servers: { memory: { health: { intervalMs: 5000, timeoutMs: 2000 } } } },
    });
    expect(JSON.parse(configs['flaky.json']).orchestrator.servers.flaky).toEqual({
      health: { intervalMs: 5000, timeoutMs: 2000 },
      restart: { maxRestarts: 10, windowMs: 120000 },
    });
    expect(files.map((file) => file.content).join('')).not.toContain('orch-demo-memory.jsonl');
    expect(notes).toEqual([
      'fill in secrets/orch.env: orch-token (or export again with --with-secrets)',
      'fill in secrets/memory.env: MEMORY_FILE_PATH (or export again with --with-secrets)',
    ]);
  });

  it('derives probes, limits, grace period and session affinity from each server policy', () => {
    const objects = objectsOf(exportKubernetes({ config: fixtureConfig(), text: FIXTURE_TEXT, packageRoot: ROOT }, OPTIONS).files);
    objects.forEach(validate);
    const github = find(objects, 'Deployment', 'github');
    const main = container(github);
    // 60 s to start plus 5 s for orch, probed every 2 s.
    expect(main.startupProbe.failureThreshold).toBe(33);
    expect(main.readinessProbe).toMatchObject({ periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 5 });
    expect(main.livenessProbe).toMatchObject({ periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 5 });
    // 256 MiB and half a core for the server, 128 MiB and 100m more for orch; requests a quarter of the server's share plus orch's.
    expect(main.resources).toEqual({ requests: { cpu: '225m', memory: '192Mi' }, limits: { cpu: '600m', memory: '384Mi' } });
    expect(github.spec.template.spec.terminationGracePeriodSeconds).toBe(6);
    expect(github.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(github.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(main.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(main.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(['/etc/orch', '/var/run/secrets/orch', '/tmp', '/var/lib/orch', '/home/node']);
    expect(github.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });

    expect(find(objects, 'Service', 'session').spec).toMatchObject({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 120 } } });
    expect(find(objects, 'Service', 'github').spec.sessionAffinity).toBeUndefined();
  });

  it('installs npx packages into the image, runs them from there, and says what it cannot install or left out', () => {
    const { files, notes } = exportKubernetes({ config: fixtureConfig(), text: FIXTURE_TEXT, packageRoot: ROOT }, OPTIONS);
    const dockerfile = files.find((file) => file.path === 'Dockerfile')!.content;
    const object = kubernetesName('My Server');
    expect(object).toMatch(/^my-server-[0-9a-f]{6}$/);
    expect(dockerfile).toContain('FROM ${ORCH_IMAGE}');
    expect(dockerfile).toContain('RUN npm install --prefix /opt/mcp/github --omit=dev --no-audit --no-fund @modelcontextprotocol/server-github@2025.4.8 \\\n');
    expect(dockerfile).toContain(' && node /app/dist/npx-bin.js /opt/mcp/github @modelcontextprotocol/server-github \\\n');
    expect(dockerfile).toContain(' && node /app/dist/npx-bin.js /opt/mcp/search search-mcp search-mcp-stdio \\\n');
    expect(dockerfile).toContain(`RUN npm install --prefix /opt/mcp/${object} --omit=dev --no-audit --no-fund loose-mcp \\\n`);
    expect(dockerfile).toContain('#   fetch: uvx mcp-server-fetch\n#   git: python -m mcp_server_git --repository ${HOME}/repo\n');

    const configs = objectsOf(files).find((o) => o.kind === 'ConfigMap')!.data;
    const entry = (key: string) => Object.values(JSON.parse(configs[key]).mcpServers)[0];
    expect(Object.keys(configs)).toEqual(['github.json', 'search.json', 'fetch.json', 'git.json', `${object}.json`, 'my-server.json', 'session.json']);
    expect(entry('github.json')).toEqual({
      command: '/opt/mcp/github/server',
      args: [],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_PERSONAL_ACCESS_TOKEN}', DATABASE_URL: '${DATABASE_URL}' },
    });
    // As written: expanded, the key would be in the ConfigMap; the pod expands it from the Secret.
    expect(entry('search.json')).toEqual({ command: '/opt/mcp/search/server', args: ['--api-key', '${API_KEY}', '--db-pass=${input:db-pass}'] });
    expect(JSON.parse(configs[`${object}.json`]).mcpServers['My Server']).toEqual({ command: `/opt/mcp/${object}/server`, args: [] });
    expect(JSON.parse(configs['session.json']).orchestrator.servers.session).toEqual({
      health: { intervalMs: 15000, timeoutMs: 3000 },
      gateway: { sharing: 'per-session', sessionIdleMs: 120000 },
    });

    expect(notes).toEqual([
      'left out docs: a remote server runs elsewhere; clients reach it directly',
      'left out off: disabled',
      'search: search-mcp has no version: the image gets the newest when it is built (pin one: search-mcp@x.y.z)',
      'My Server: loose-mcp has no version: the image gets the newest when it is built (pin one: loose-mcp@x.y.z)',
      'my-server: its cwd /srv/mcp is a folder on this machine: the image must hold it',
      'fetch: the image cannot install uvx mcp-server-fetch: see the Dockerfile',
      'git: the image cannot install python -m mcp_server_git --repository ${HOME}/repo: see the Dockerfile',
      'fill in secrets/orch.env: orch-token (or export again with --with-secrets)',
      'fill in secrets/github.env: GITHUB_PERSONAL_ACCESS_TOKEN, DATABASE_URL (or export again with --with-secrets)',
      'fill in secrets/search.env: API_KEY, ORCH_INPUT_DB_PASS (or export again with --with-secrets)',
    ]);
  });

  it('writes no env value into any file without --with-secrets, and only into the env files with it', () => {
    const input = { config: fixtureConfig(), text: FIXTURE_TEXT, packageRoot: ROOT };
    const without = exportKubernetes(input, OPTIONS).files;
    const everything = without.map((file) => file.content).join('\n');
    for (const value of [...Object.values(SECRETS), PROCESS_ENV.ORCH_TOKEN]) expect(everything).not.toContain(value);
    expect(without.find((file) => file.path === 'secrets/github.env')!.content).toContain('\nGITHUB_PERSONAL_ACCESS_TOKEN=\nDATABASE_URL=\n');

    const withValues = exportKubernetes(input, { ...OPTIONS, ...withSecrets }).files;
    const envFiles = withValues.filter((file) => file.path.startsWith('secrets/'));
    expect(envFiles.every((file) => file.secret)).toBe(true);
    expect(withValues.filter((file) => !file.secret).map((file) => file.content).join('\n')).not.toMatch(/value-/);
    const byPath = Object.fromEntries(envFiles.map((file) => [file.path, file.content]));
    expect(byPath['secrets/orch.env']).toContain('\norch-token=orch-token-value-e4\n');
    expect(byPath['secrets/github.env']).toContain(`\nGITHUB_PERSONAL_ACCESS_TOKEN=${SECRETS.token}\nDATABASE_URL=${SECRETS.dbUrl}\n`);
    expect(byPath['secrets/search.env']).toContain(`\nAPI_KEY=${SECRETS.apiKey}\nORCH_INPUT_DB_PASS=${SECRETS.input}\n`);
  });

  it('keeps values the user filled into the env files when exporting again', () => {
    const previous = new Map([['secrets/github.env', '# mine\nGITHUB_PERSONAL_ACCESS_TOKEN=filled-in\nOLD_KEY=gone\n']]);
    const { files, notes } = exportKubernetes({ config: fixtureConfig(), text: FIXTURE_TEXT, packageRoot: ROOT, previous }, OPTIONS);
    expect(files.find((file) => file.path === 'secrets/github.env')!.content).toMatch(/\nGITHUB_PERSONAL_ACCESS_TOKEN=filled-in\nDATABASE_URL=\n$/);
    expect(notes).toContain('fill in secrets/github.env: DATABASE_URL (or export again with --with-secrets)');
  });

  it('gives the same bytes for the same input', async () => {
    const config = await loadConfig(DEMO, {});
    const run = () => exportKubernetes({ config, text: readFileSync(DEMO, 'utf8'), packageRoot: ROOT }, { ...OPTIONS, namespace: 'mcp' });
    expect(run()).toEqual(run());
    const fixture = () => exportKubernetes({ config: fixtureConfig(), text: FIXTURE_TEXT, packageRoot: ROOT }, { ...OPTIONS, ...withSecrets });
    expect(fixture()).toEqual(fixture());
    expect(run().files.find((file) => file.path === 'kustomization.yaml')!.content).toContain('\nnamespace: mcp\n');
  });

  it('refuses a config with nothing to run', () => {
    const config = parseConfig(JSON.stringify({ mcpServers: { docs: { url: 'https://x.example/mcp' } } }), '/cfg/mcp.json');
    expect(() => exportKubernetes({ config, text: '{}', packageRoot: ROOT }, OPTIONS)).toThrow(OrchError);
  });
});
