/**
 * `orch export kubernetes` from the compiled bin, as a user runs it: it writes the files, keeps the
 * env files private and the values a user filled in, and the script the exported Dockerfile runs
 * (dist/npx-bin.js) links the executable npx would have run.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/orch.js');
const DEMO = join(ROOT, 'examples/demo.mcp.json');
const run = promisify(execFile);
/** kustomize as `kubectl apply -k` runs it, where this machine has kubectl: it needs no cluster to render. */
const HAS_KUBECTL = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

let sandbox: Sandbox | undefined;
afterEach(() => {
  sandbox?.remove();
  sandbox = undefined;
});

const orch = (args: string[], env: NodeJS.ProcessEnv) =>
  run(process.execPath, [BIN, ...args], { env }).catch((error: { code: number; stdout: string; stderr: string }) => error);

describe('orch export kubernetes', () => {
  it('writes the manifests, the Dockerfile and private env files, and keeps what the user filled in', async () => {
    sandbox = createSandbox();
    const out = join(dirname(sandbox.home), 'k8s');
    const env = { ...sandbox.env, TMPDIR: '/var/tmp/demo-value' };
    const first = await orch(['export', 'kubernetes', '--config', DEMO, '--out', out], env);
    expect(first).toMatchObject({ stderr: expect.stringContaining('orch: note: fill in secrets/memory.env: MEMORY_FILE_PATH') });
    expect(first.stdout).toContain(`wrote ${out}/server-memory.yaml\n`);
    expect(first.stdout).toMatch(/\nnext: .*kubectl apply -k /);
    for (const file of ['Dockerfile', 'kustomization.yaml', 'configmap.yaml', 'server-everything.yaml', 'server-flaky.yaml']) {
      expect(statSync(join(out, file)).isFile()).toBe(true);
    }
    expect(statSync(join(out, 'secrets/memory.env')).mode & 0o777).toBe(0o600);
    const memoryEnv = join(out, 'secrets/memory.env');
    expect(readFileSync(memoryEnv, 'utf8')).toMatch(/\nMEMORY_FILE_PATH=\n$/);

    const read = () => ['kustomization.yaml', 'configmap.yaml', 'server-memory.yaml', 'Dockerfile'].map((f) => readFileSync(join(out, f), 'utf8'));
    const before = read();
    writeFileSync(memoryEnv, readFileSync(memoryEnv, 'utf8').replace('MEMORY_FILE_PATH=', 'MEMORY_FILE_PATH=/data/memory.jsonl'), { mode: 0o644 });
    await orch(['export', 'kubernetes', '--config', DEMO, '--out', out], env);
    expect(read()).toEqual(before);
    expect(readFileSync(memoryEnv, 'utf8')).toMatch(/\nMEMORY_FILE_PATH=\/data\/memory.jsonl\n$/);
    expect(statSync(memoryEnv).mode & 0o777).toBe(0o600);

    await orch(['export', 'kubernetes', '--config', DEMO, '--out', out, '--with-secrets'], { ...env, ORCH_TOKEN: 'token-from-env' });
    expect(readFileSync(memoryEnv, 'utf8')).toMatch(/\nMEMORY_FILE_PATH=\/var\/tmp\/demo-value\/orch-demo-memory.jsonl\n$/);
    expect(readFileSync(join(out, 'secrets/orch.env'), 'utf8')).toMatch(/\norch-token=token-from-env\n$/);
    expect(read().join('')).not.toContain('demo-value');
  });

  it('refuses an unknown target and a bad namespace as usage errors', async () => {
    sandbox = createSandbox();
    expect(await orch(['export', 'nomad', '--config', DEMO], sandbox.env)).toMatchObject({ code: 2, stderr: 'orch: cannot export to "nomad" (known: kubernetes)\n' });
    expect(await orch(['export', 'kubernetes', '--config', DEMO, '--namespace', 'Bad_NS'], sandbox.env)).toMatchObject({ code: 2 });
  });

  it("links a server's executable the way npx picks it, as the exported Dockerfile does at build time", async () => {
    sandbox = createSandbox();
    const prefix = join(dirname(sandbox.home), 'opt/mcp/memory');
    const modules = join(prefix, 'node_modules');
    mkdirSync(join(modules, '@scope/server'), { recursive: true });
    mkdirSync(join(modules, '.bin'));
    writeFileSync(join(modules, '@scope/server/package.json'), JSON.stringify({ name: '@scope/server', bin: { server: 'a.js', helper: 'b.js' } }));
    writeFileSync(join(modules, '.bin/server'), '');
    writeFileSync(join(modules, '.bin/helper'), '');
    const script = join(ROOT, 'dist/npx-bin.js');
    await run(process.execPath, [script, prefix, '@scope/server']);
    expect(readlinkSync(join(prefix, 'server'))).toBe(join(modules, '.bin/server'));
    const unknown = await run(process.execPath, [script, prefix, '@scope/server', 'nope']).catch((error: { code: number; stderr: string }) => error);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('no executable nope to run (its bins: server, helper)') });
  });

  it.skipIf(!HAS_KUBECTL)('renders with kustomize into valid objects whose Secret references point at the generated Secrets', async () => {
    sandbox = createSandbox();
    const out = join(dirname(sandbox.home), 'k8s');
    await orch(['export', 'kubernetes', '--config', DEMO, '--out', out, '--namespace', 'mcp'], sandbox.env);
    const rendered = (await run('kubectl', ['kustomize', out])).stdout;
    const objects = parseAllDocuments(rendered).map((document) => document.toJS() as { kind: string; metadata: { name: string; namespace: string } } & Record<string, any>);
    const models: Record<string, new (data: any) => { validate(): void }> = { Deployment, Service, ConfigMap, Secret };
    for (const object of objects) {
      new models[object.kind]!(object).validate();
      expect(object.metadata.namespace).toBe('mcp');
    }
    const secrets = objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name);
    expect(secrets).toEqual([expect.stringMatching(/^memory-env-[a-z0-9]{10}$/), expect.stringMatching(/^orch-[a-z0-9]{10}$/)]);
    const pod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'memory')!.spec.template.spec;
    expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: secrets[0] } }]);
    expect(pod.volumes).toContainEqual({ name: 'token', secret: { secretName: secrets[1], defaultMode: 0o440 } });
  });
});
