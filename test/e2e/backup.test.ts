/**
 * `orch backup` and `orch restore` as a user runs them: a round trip into a fresh ORCH_HOME brings back
 * the same servers, policy and wanted state; secrets are redacted unless asked for; a damaged or
 * foreign archive changes nothing; a running daemon is moved onto the restored config.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/backup/secrets.js';
import { readTarGz, writeTarGz, type Member } from '../../src/backup/tar-gz.js';
import { createSandbox, runOrch, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE } from '../support/orchestrator.js';

interface StatusJson {
  config: string;
  servers: { name: string; state: string }[];
}

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of sandboxes.splice(0)) {
    await runOrch(['shutdown'], sandbox.env);
    sandbox.remove();
  }
});

function setup() {
  const sandbox = createSandbox();
  sandboxes.push(sandbox);
  const dir = dirname(sandbox.home);
  const orch = (...args: string[]) => runOrch(args, sandbox.env);
  const ok = async (...args: string[]) => {
    const result = await orch(...args);
    expect(result.code, `orch ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };
  const states = async () => {
    const status = JSON.parse((await ok('status', '--json')).stdout) as StatusJson;
    return { config: status.config, servers: status.servers.map((s) => [s.name, s.state]) };
  };
  return { sandbox, dir, orch, ok, states };
}

const server = (extra: object = {}) => ({ command: process.execPath, args: [FIXTURE], ...extra });
const QUICK_STOP = { stop: { graceMs: 200, killTimeoutMs: 1000 } };

/** Comments, a secret, a per-server policy, a group and a disabled server: what a round trip must keep. */
const CONFIG = `{
  // production servers
  "mcpServers": {
    "one": ${JSON.stringify(server({ env: { API_KEY: 'key-1' } }))},
    "two": ${JSON.stringify(server())},
    "three": ${JSON.stringify(server({ disabled: true }))}
  },
  "orchestrator": {
    "defaults": ${JSON.stringify(QUICK_STOP)},
    "servers": { "one": { "health": { "intervalMs": 7000 } } },
    "groups": { "pair": ["one", "two"] }
  }
}
`;

/** Every file under a folder with its content: what "nothing changed" is compared on. */
function snapshot(...paths: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else files[path] = readFileSync(path, 'utf8');
  };
  paths.forEach(walk);
  return files;
}

async function* each(members: Member[]): AsyncIterable<Member> {
  yield* members;
}

describe('orch backup and orch restore', () => {
  it('round trip into a fresh ORCH_HOME: the same servers, policy and wanted state', async () => {
    const a = setup();
    const config = a.sandbox.writeConfig(CONFIG);
    await a.ok('start', '--config', config);
    await a.ok('stop', 'two');
    await a.ok('start', 'three');
    const before = await a.states();
    expect(before.servers).toEqual([['one', 'running'], ['two', 'stopped'], ['three', 'running']]);
    const archive = join(a.dir, 'backup.tar.gz');
    const backup = await a.ok('backup', archive, '--with-secrets');
    expect(backup.stdout).toMatch(new RegExp(`^wrote ${archive} \\(\\d+ B, mode 0600\\)$`, 'm'));
    expect(backup.stdout).toMatch(/^ {2}config\/mcp\.json +\d+ B$/m);
    expect(backup.stdout).toContain(`config: ${config}`);
    const wantedBefore = readFileSync(join(a.sandbox.home, 'state.json'), 'utf8');
    await a.ok('shutdown');

    const b = setup();
    const target = join(b.dir, 'restored', 'mcp.json');
    const restored = await b.ok('restore', archive, '--to', target);
    expect(restored.stdout.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^restored ${target} from ${archive} \\(made by orch \\S+ at \\S+\\)$`)),
      // `one` ran with the daemon, unasked: only what the user started or stopped is a wish.
      `restored ${join(b.sandbox.home, 'state.json')} (1 started and 1 stopped by you)`,
      'replaced nothing: neither file was there',
      'no daemon is running: `orch start` runs the restored servers',
      '',
    ]);
    expect(readFileSync(target, 'utf8')).toBe(CONFIG);
    expect(JSON.parse(readFileSync(join(b.sandbox.home, 'state.json'), 'utf8'))).toEqual(JSON.parse(wantedBefore));

    // A plain start in the new home runs the remembered, restored file with the restored wishes.
    await b.ok('start');
    await eventually(async () => JSON.stringify((await b.states()).servers) === JSON.stringify(before.servers), 15_000, 'the same states');
    expect((await b.states()).config).toBe(target);
  });

  it('redacts secrets by default and keeps them with --with-secrets, in a private archive', async () => {
    const { sandbox, dir, ok, orch } = setup();
    const config = sandbox.writeConfig(CONFIG);
    const redacted = join(dir, 'redacted.tar.gz');
    const plain = await ok('backup', '--config', config, redacted);
    expect(plain.stdout).toContain('secrets: 1 redacted (mcpServers.one.env.API_KEY); orch restore takes them from the config it replaces, --with-secrets keeps them');
    expect(plain.stdout).not.toContain('0600');
    expect(statSync(redacted).mode & 0o777).toBe(0o666 & ~process.umask());
    const member = (await readTarGz(redacted, () => true)).get('config/mcp.json')!.data!.toString();
    expect(member).toBe(CONFIG.replace('key-1', REDACTED));

    const full = join(dir, 'full.tar.gz');
    const kept = await ok('backup', '--config', config, '--with-secrets', full);
    expect(kept.stdout).toContain('secrets: included, so the archive is readable by you alone (mode 0600)');
    expect(statSync(full).mode & 0o777).toBe(0o600);
    expect((await readTarGz(full, () => true)).get('config/mcp.json')!.data!.toString()).toBe(CONFIG);

    // Restored over the config it came from: the key rotated since is kept, the rest comes back.
    writeFileSync(config, CONFIG.replace('key-1', 'key-2').replace('"two"', '"renamed"'));
    const restored = await ok('restore', redacted);
    expect(restored.stdout).toContain('secrets: 1 taken from the config it replaced (mcpServers.one.env.API_KEY)');
    expect(readFileSync(config, 'utf8')).toBe(CONFIG.replace('key-1', 'key-2'));

    // Elsewhere there is no value to take: refused, and nothing is written.
    const elsewhere = join(dir, 'elsewhere.json');
    const before = snapshot(sandbox.home, dir);
    const refused = await orch('restore', redacted, '--to', elsewhere);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `orch: ${redacted} has no secrets (made without --with-secrets) and ${elsewhere} has no value for mcpServers.one.env.API_KEY: add them there first, or restore a backup made with --with-secrets\n`,
    );
    expect(snapshot(sandbox.home, dir)).toEqual(before);
  });

  it('refuses a truncated, a tampered and a foreign archive with one line, and changes nothing', async () => {
    const { sandbox, dir, ok, orch } = setup();
    const config = sandbox.writeConfig(CONFIG);
    const archive = join(dir, 'good.tar.gz');
    await ok('backup', '--config', config, '--with-secrets', archive);
    // The files a restore would replace, changed since the backup.
    writeFileSync(config, CONFIG.replace('"two"', '"changed"'));
    mkdirSync(sandbox.home, { recursive: true });
    writeFileSync(join(sandbox.home, 'state.json'), '{ "servers": { "one": "stopped" } }\n');

    const whole = readFileSync(archive);
    const truncated = join(dir, 'truncated.tar.gz');
    writeFileSync(truncated, whole.subarray(0, whole.length - 100));
    const members = [...(await readTarGz(archive, () => true))].map(([path, { data }]) => ({ path, data: data! }));
    const tampered = join(dir, 'tampered.tar.gz');
    const evil = members.map((m) => (m.path === 'state.json' ? { ...m, data: Buffer.from('{"servers":{"one":"started"}}') } : m));
    await writeTarGz(tampered, each(evil), 0o600);
    const foreign = join(dir, 'foreign.tar.gz');
    await writeTarGz(foreign, each([{ path: 'package/package.json', data: Buffer.from('{"name":"left-pad"}') }]), 0o644);

    const before = snapshot(sandbox.home, config);
    for (const [file, message] of [
      [truncated, `${truncated} is truncated (its gzip data ends early)`],
      [tampered, `${tampered} is damaged: state.json does not match its checksum`],
      [foreign, `${foreign} is not an orch backup (it has no manifest.json)`],
    ]) {
      const result = await orch('restore', file!);
      expect([result.code, result.stdout, result.stderr]).toEqual([1, '', `orch: ${message}\n`]);
      expect(snapshot(sandbox.home, config)).toEqual(before);
    }
  });

  it('restore into a running daemon reloads it and applies the restored wishes', async () => {
    const { sandbox, ok, states } = setup();
    const v1 = `{ "mcpServers": { "a": ${JSON.stringify(server())}, "b": ${JSON.stringify(server())} }, "orchestrator": { "defaults": ${JSON.stringify(QUICK_STOP)} } }`;
    const config = sandbox.writeConfig(v1);
    await ok('start', '--config', config);
    await ok('stop', 'b');
    const archive = join(dirname(sandbox.home), 'v1.tar.gz');
    await ok('backup', archive);

    // Since then: b removed, c added, and a stopped.
    writeFileSync(config, v1.replace('"b":', '"c":'));
    await ok('reload');
    await ok('start', 'c');
    await ok('stop', 'a');
    expect((await states()).servers).toEqual([['a', 'stopped'], ['c', 'running']]);

    const restored = await ok('restore', archive);
    expect(restored.stdout).toContain(`kept what it replaced: ${config}.orch-restore-`);
    expect(restored.stdout).toMatch(new RegExp(`^reloaded the daemon onto ${config}:$`, 'm'));
    expect(restored.stdout).toMatch(/^\+ b +added/m);
    expect(restored.stdout).toMatch(/^- c +removed/m);
    expect(restored.stdout).toMatch(/^stopping b$/m);
    expect(restored.stdout).toMatch(/^starting a$/m);
    expect(readFileSync(config, 'utf8')).toBe(v1);
    await eventually(async () => JSON.stringify((await states()).servers) === '[["a","running"],["b","stopped"]]', 15_000, 'a running, b stopped');
    // The daemon now holds the restored wishes: what it writes back agrees with the backup.
    const wanted = JSON.parse(readFileSync(join(sandbox.home, 'state.json'), 'utf8')) as { servers: Record<string, string> };
    expect(wanted.servers).toMatchObject({ a: 'started', b: 'stopped' });
  });
});
