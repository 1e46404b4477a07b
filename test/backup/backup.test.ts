/**
 * The backup format through its own functions: what an archive holds, and every kind of archive
 * `readBackup` refuses (truncated, damaged, tampered, foreign, newer), each with one line.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readBackup, writeBackup } from '../../src/backup/backup.js';
import { MANIFEST_MEMBER } from '../../src/backup/manifest.js';
import { applyRestore, configToWrite } from '../../src/backup/restore.js';
import { REDACTED } from '../../src/backup/secrets.js';
import { readTarGz, sha256, writeTarGz, type Member } from '../../src/backup/tar-gz.js';
import { resolveHome, type OrchHome } from '../../src/home.js';
import { VERSION } from '../../src/version.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const CONFIG = `{
  // comments survive
  "mcpServers": { "gh": { "command": "gh-mcp", "env": { "TOKEN": "ghp_secret" } }, "fs": { "command": "fs-mcp", "disabled": true } },
  "orchestrator": { "servers": { "gh": { "health": { "intervalMs": 5000 } } }, "groups": { "dev": ["gh", "fs"] } }
}
`;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'orch-backup-'));
  dirs.push(dir);
  const home = resolveHome({ ORCH_HOME: join(dir, 'home') });
  mkdirSync(home.logsDir, { recursive: true });
  writeFileSync(home.wantedFile, JSON.stringify({ servers: { gh: 'stopped', fs: 'started' } }), { mode: 0o600 });
  writeFileSync(join(home.logsDir, 'gh.log'), 'line one\nline two\n');
  const config = join(dir, 'mcp.json');
  writeFileSync(config, CONFIG);
  const archive = join(dir, 'backup.tar.gz');
  return { dir, home, config, archive };
}

const backUp = (s: { home: OrchHome; config: string; archive: string }, flags: { withSecrets?: boolean; withLogs?: boolean } = {}) =>
  writeBackup(s.archive, { configPath: s.config, home: s.home, withSecrets: false, withLogs: false, ...flags });

/** Every member of an archive, with its data, to build altered copies from. */
async function membersOf(archive: string): Promise<Member[]> {
  const members = await readTarGz(archive, () => true);
  return [...members].map(([path, { data }]) => ({ path, data: data! }));
}

async function* each(members: Member[]): AsyncIterable<Member> {
  yield* members;
}

const refusal = async (archive: string) => {
  const error = (await readBackup(archive).catch((e: unknown) => e)) as Error & { code?: string };
  expect(error.code).toBe('BACKUP_INVALID');
  expect(error.message).not.toContain('\n');
  return error.message;
};

describe('writeBackup and readBackup', () => {
  it('hold the config with secrets redacted, the wanted state and a manifest of checksums', async () => {
    const s = setup();
    const written = await backUp(s);
    expect(written.members.map((m) => m.path)).toEqual(['config/mcp.json', 'state.json', 'manifest.json']);
    expect(written.private).toBe(false);
    expect(statSync(s.archive).size).toBe(written.size);

    const backup = await readBackup(s.archive);
    expect(backup.configText).toBe(CONFIG.replace('ghp_secret', REDACTED));
    expect(backup.wanted).toEqual({ servers: { gh: 'stopped', fs: 'started' } });
    expect(backup.config.servers.map((server) => [server.name, server.disabled, server.policy.health.intervalMs])).toEqual([
      ['gh', false, 5000],
      ['fs', true, 10000],
    ]);
    expect(backup.config.groups).toEqual([{ name: 'dev', members: ['gh', 'fs'] }]);
    expect(backup.manifest).toMatchObject({
      format: 'orch-backup',
      version: 1,
      orch: VERSION,
      config: { source: s.config, member: 'config/mcp.json' },
      secrets: 'redacted',
      redacted: ['mcpServers.gh.env.TOKEN'],
      logs: false,
    });
    expect(Object.keys(backup.manifest.members)).toEqual(['config/mcp.json', 'state.json']);
  });

  it('keeps secrets and logs when asked, in an archive only its owner can read', async () => {
    const s = setup();
    const written = await backUp(s, { withSecrets: true, withLogs: true });
    expect(written.private).toBe(true);
    expect(statSync(s.archive).mode & 0o777).toBe(0o600);
    expect(written.members.map((m) => m.path)).toEqual(['config/mcp.json', 'state.json', 'logs/gh.log', 'manifest.json']);
    const backup = await readBackup(s.archive);
    expect(backup.configText).toBe(CONFIG);
    expect(backup.manifest).toMatchObject({ secrets: 'included', redacted: [], logs: true });
    const logs = await readTarGz(s.archive, () => true);
    expect(logs.get('logs/gh.log')?.data?.toString()).toBe('line one\nline two\n');
  });

  it('writes no wishes when the home has no state.json yet', async () => {
    const s = setup();
    rmSync(s.home.wantedFile);
    await backUp(s);
    expect((await readBackup(s.archive)).wanted).toEqual({ servers: {} });
  });

  it('refuses to back up a config orch cannot load, and writes nothing', async () => {
    const s = setup();
    writeFileSync(s.config, '{ "mcpServers": { "a": { "args": [] } } }');
    await expect(backUp(s)).rejects.toThrow(/mcpServers\.a: expected "command"/);
    expect(() => statSync(s.archive)).toThrow();
  });
});

describe('readBackup refuses, with one line', () => {
  it('a truncated archive', async () => {
    const s = setup();
    await backUp(s, { withLogs: true });
    const whole = readFileSync(s.archive);
    for (const length of [0, 10, Math.floor(whole.length / 2), whole.length - 4]) {
      writeFileSync(s.archive, whole.subarray(0, length));
      expect(await refusal(s.archive)).toMatch(/backup\.tar\.gz (is truncated|is not an orch backup)/);
    }
  });

  it('an archive with a damaged byte', async () => {
    const s = setup();
    await backUp(s);
    const bytes = readFileSync(s.archive);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(s.archive, bytes);
    expect(await refusal(s.archive)).toMatch(/is (damaged|truncated|not an orch backup)/);
  });

  it('a member changed after the manifest was written', async () => {
    const s = setup();
    await backUp(s);
    const members = (await membersOf(s.archive)).map((m) =>
      m.path === 'config/mcp.json' ? { ...m, data: Buffer.from(m.data.toString().replace('gh-mcp', 'evil-mcp')) } : m,
    );
    await writeTarGz(s.archive, each(members), 0o600);
    expect(await refusal(s.archive)).toBe(`${s.archive} is damaged: config/mcp.json does not match its checksum`);
  });

  it('a member missing, or one the manifest does not list', async () => {
    const s = setup();
    await backUp(s);
    const members = await membersOf(s.archive);
    await writeTarGz(s.archive, each(members.filter((m) => m.path !== 'state.json')), 0o600);
    expect(await refusal(s.archive)).toBe(`${s.archive} is incomplete: state.json is missing`);
    await writeTarGz(s.archive, each([{ path: 'extra.sh', data: Buffer.from('rm -rf /') }, ...members]), 0o600);
    expect(await refusal(s.archive)).toBe(`${s.archive} holds extra.sh, which its manifest.json does not list`);
  });

  it('a foreign tar.gz, gzip that is not tar, and a file that is not gzip', async () => {
    const s = setup();
    await writeTarGz(s.archive, each([{ path: 'notes.txt', data: Buffer.from('hello') }]), 0o600);
    expect(await refusal(s.archive)).toBe(`${s.archive} is not an orch backup (it has no manifest.json)`);
    await writeTarGz(s.archive, each([{ path: MANIFEST_MEMBER, data: Buffer.from('{"name":"some-package"}') }]), 0o600);
    expect(await refusal(s.archive)).toBe(`${s.archive} is not an orch backup (its manifest.json is not an orch manifest)`);
    writeFileSync(s.archive, gzipSync(Buffer.from('just some text, not a tar archive at all'.repeat(20))));
    expect(await refusal(s.archive)).toMatch(new RegExp(`^${s.archive} is not an orch backup \\(not a tar archive: `));
    writeFileSync(s.archive, CONFIG);
    expect(await refusal(s.archive)).toBe(`${s.archive} is not an orch backup (not gzip data)`);
  });

  it('a backup from a newer orch, and one whose config no longer loads', async () => {
    const s = setup();
    await backUp(s);
    const members = await membersOf(s.archive);
    const manifest = JSON.parse(members.find((m) => m.path === MANIFEST_MEMBER)!.data.toString());
    const withManifest = (value: unknown) =>
      writeTarGz(s.archive, each(members.map((m) => (m.path === MANIFEST_MEMBER ? { ...m, data: Buffer.from(JSON.stringify(value)) } : m))), 0o600);
    await withManifest({ ...manifest, version: 2 });
    expect(await refusal(s.archive)).toBe(`${s.archive} was written by a newer orch (backup format 2; this orch reads format 1): upgrade orch`);

    // A config that passes its checksum yet is not a valid orch config: refused like any other flaw.
    const bad = Buffer.from('{ "mcpServers": { "x": { "command": "x" } }, "orchestrator": { "servers": { "y": {} } } }');
    const config = { path: 'config/mcp.json', data: bad };
    const digest = sha256(bad);
    await writeTarGz(
      s.archive,
      each([
        config,
        members.find((m) => m.path === 'state.json')!,
        { path: MANIFEST_MEMBER, data: Buffer.from(JSON.stringify({ ...manifest, members: { ...manifest.members, 'config/mcp.json': { size: bad.length, sha256: digest } } })) },
      ]),
      0o600,
    );
    expect(await refusal(s.archive)).toMatch(/holds a config orch cannot use: config\/mcp\.json: orchestrator\.servers\.y: no server is named "y"/);
  });

  it('a file that is not there', async () => {
    expect(await refusal('/nonexistent/backup.tar.gz')).toBe('/nonexistent/backup.tar.gz: no such file');
  });
});

describe('applyRestore', () => {
  it('keeps copies of what it replaces, writes the config and state, remembers the config', async () => {
    const s = setup();
    await backUp(s);
    const backup = await readBackup(s.archive);
    writeFileSync(s.config, CONFIG.replace('gh-mcp', 'gh-mcp-v2'));
    writeFileSync(s.home.wantedFile, '{"servers":{}}');
    const before = { config: readFileSync(s.config, 'utf8'), state: readFileSync(s.home.wantedFile, 'utf8') };

    const { text, taken } = configToWrite(backup, s.config, s.archive);
    expect(taken).toEqual(['mcpServers.gh.env.TOKEN']);
    const kept = applyRestore(s.home, s.config, text, backup, '20261125-120000');
    expect(kept).toEqual([`${s.config}.orch-restore-20261125-120000`, `${s.home.wantedFile}.orch-restore-20261125-120000`]);
    expect(readFileSync(kept[0]!, 'utf8')).toBe(before.config);
    expect(readFileSync(kept[1]!, 'utf8')).toBe(before.state);
    // Copies keep the mode of what they copy: a private file stays private.
    expect(statSync(kept[1]!).mode & 0o777).toBe(0o600);
    expect(readFileSync(s.config, 'utf8')).toBe(CONFIG);
    expect(JSON.parse(readFileSync(s.home.wantedFile, 'utf8'))).toEqual({ servers: { gh: 'stopped', fs: 'started' } });
    expect(JSON.parse(readFileSync(s.home.configFile, 'utf8'))).toEqual({ path: s.config });

    // A second restore in the same second keeps its own copies.
    const again = applyRestore(s.home, s.config, text, backup, '20261125-120000');
    expect(again[0]).toBe(`${s.config}.orch-restore-20261125-120000-2`);
  });

  it('writes through a symbolic link to the file, and into a fresh home', async () => {
    const s = setup();
    await backUp(s, { withSecrets: true });
    const backup = await readBackup(s.archive);
    const real = join(s.dir, 'dotfiles', 'mcp.json');
    mkdirSync(join(s.dir, 'dotfiles'));
    writeFileSync(real, '{}');
    const link = join(s.dir, 'linked.json');
    symlinkSync(real, link);
    const fresh = resolveHome({ ORCH_HOME: join(s.dir, 'fresh') });
    applyRestore(fresh, link, configToWrite(backup, link, s.archive).text, backup, '20261125-120000');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe(CONFIG);
    expect(statSync(fresh.wantedFile).mode & 0o777).toBe(0o600);
  });

  it('refuses, naming the keys, when the config it replaces lacks a redacted secret', async () => {
    const s = setup();
    await backUp(s);
    const backup = await readBackup(s.archive);
    const elsewhere = join(s.dir, 'other.json');
    expect(() => configToWrite(backup, elsewhere, s.archive)).toThrow(
      `${s.archive} has no secrets (made without --with-secrets) and ${elsewhere} has no value for mcpServers.gh.env.TOKEN: add them there first, or restore a backup made with --with-secrets`,
    );
  });
});
