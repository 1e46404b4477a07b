/** `resolveTargets`: what `all` means among names, groups and disabled servers. */
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/config/policy.js';
import { resolveTargets, type SupervisedServer } from '../../src/machines/membership.js';

const server = (name: string, extra: Partial<SupervisedServer> = {}): SupervisedServer => ({
  spec: { name, command: 'node', args: [], env: {}, cwd: undefined },
  policy: resolvePolicy(),
  disabled: false,
  dependsOn: [],
  ...extra,
});

const servers = [server('memory'), server('fs'), server('off', { disabled: true })];

describe('resolveTargets: all', () => {
  it('means every server, as no names do, skipping disabled ones for a start', () => {
    const none = resolveTargets(servers, [], 'restart', []);
    const all = resolveTargets(servers, [], 'restart', ['all']);
    expect(all).toEqual(none);
    expect(all.names).toEqual(['memory', 'fs']);
    expect(all.notes).toEqual(['off is disabled in the config; not restarted with every server']);
  });

  it('stops every server, disabled ones included', () => {
    expect(resolveTargets(servers, [], 'stop', ['all']).names).toEqual(['memory', 'fs', 'off']);
  });

  it('with other names: still every server, in config order, once', () => {
    const targets = resolveTargets(servers, [{ name: 'dev', members: ['fs'] }], 'start', ['off', 'all', '@dev', 'all']);
    expect(targets.names).toEqual(['memory', 'fs', 'off']);
    expect(targets.unknown).toEqual([]);
  });

  it('a server named all wins: it means that server alone', () => {
    const targets = resolveTargets([...servers, server('all')], [], 'start', ['all']);
    expect(targets.names).toEqual(['all']);
  });

  it('@all is a group like any other, not every server', () => {
    expect(resolveTargets(servers, [{ name: 'all', members: ['fs'] }], 'start', ['@all']).names).toEqual(['fs']);
    expect(resolveTargets(servers, [], 'start', ['@all']).unknown).toEqual(['@all']);
  });
});

describe('resolveTargets: a server that cannot run', () => {
  it('is not started even when named, and says why; stopping it is fine', () => {
    const policy = resolvePolicy();
    const servers = [
      { spec: { name: 'gh', command: 'gh', args: [], env: {}, cwd: undefined }, policy, disabled: true, dependsOn: [], unavailable: 'needs input token: orch secret set token' },
    ];
    expect(resolveTargets(servers, [], 'start', ['gh'])).toEqual({
      names: [],
      alsoStart: [],
      unknown: [],
      notes: ['gh is not started: needs input token: orch secret set token'],
    });
    expect(resolveTargets(servers, [], 'stop', ['gh']).names).toEqual(['gh']);
  });
});
