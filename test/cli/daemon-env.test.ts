import { describe, expect, it } from 'vitest';
import { daemonOnlyVariables, dropDaemonEnvironment } from '../../src/cli/daemon-env.js';

describe('daemonOnlyVariables', () => {
  it('adds one malloc arena and names what it added', () => {
    expect(daemonOnlyVariables({ PATH: '/usr/bin' })).toEqual({ MALLOC_ARENA_MAX: '1', ORCH_DAEMON_ENV: 'MALLOC_ARENA_MAX' });
  });

  it('leaves a value the user set alone', () => {
    expect(daemonOnlyVariables({ MALLOC_ARENA_MAX: '4' })).toEqual({});
  });
});

describe('dropDaemonEnvironment', () => {
  it('takes out what the launcher added, and the list', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin', ...daemonOnlyVariables({}) };
    dropDaemonEnvironment(env);
    expect(env).toEqual({ PATH: '/usr/bin' });
  });

  it('keeps the user’s own value, which the launcher did not list', () => {
    const env: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '4', ...daemonOnlyVariables({ MALLOC_ARENA_MAX: '4' }) };
    dropDaemonEnvironment(env);
    expect(env).toEqual({ MALLOC_ARENA_MAX: '4' });
  });

  it('removes nothing but its own variables, whatever the list names', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin', HOME: '/home/ann', ORCH_DAEMON_ENV: 'PATH,HOME' };
    dropDaemonEnvironment(env);
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/ann' });
  });
});
