/** The line a launched daemon hands its `orch start`, and what the CLI makes of older or broken ones. */
import { describe, expect, it } from 'vitest';
import { isOrchError } from '../../src/errors.js';
import { decodeReady, encodeReady, mistakeError, takeReadyFd } from '../../src/daemon/ready-signal.js';

describe('ready signal', () => {
  it('is one line: ready, or the mistake that keeps the daemon from starting, as the OrchError it was', () => {
    const mistake = { mistake: { code: 'CONFIG_INVALID' as const, message: 'mcp.json: mcpServers.a.args: expected array' } };
    for (const signal of [mistake, {}]) {
      const line = encodeReady(signal);
      expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
      expect(decodeReady(line)).toEqual(signal);
    }
    const error = mistakeError(decodeReady(encodeReady(mistake)));
    expect(isOrchError(error) && [error.code, error.message]).toEqual(['CONFIG_INVALID', 'mcp.json: mcpServers.a.args: expected array']);
    expect(mistakeError({})).toBeUndefined();
  });

  it('reads a bare `ready`, or anything else, as ready', () => {
    expect(decodeReady('ready\n')).toEqual({});
    expect(decodeReady('null\n')).toEqual({});
    expect(decodeReady('')).toEqual({});
  });

  it('takes the fd out of the environment, so that no server inherits it', () => {
    const env: NodeJS.ProcessEnv = { ORCH_READY_FD: '3', OTHER: 'x' };
    expect(takeReadyFd(env)).toBe(3);
    expect(env).toEqual({ OTHER: 'x' });
    expect(takeReadyFd({ ORCH_READY_FD: 'x' })).toBeUndefined();
  });
});
