import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonRpcError, McpLink, RequestTimeoutError } from '../../src/mcp/link.js';

function createLink() {
  const sent: Record<string, unknown>[] = [];
  const noise: string[] = [];
  const link = new McpLink({
    write: (line) => sent.push(JSON.parse(line)),
    onNoise: (line) => noise.push(line),
    maxLineBytes: 1_000,
  });
  const answer = (message: Record<string, unknown>) => link.feed(Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`));
  return { link, sent, noise, answer };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('McpLink', () => {
  it('sends requests with ids in its own namespace and resolves their results', async () => {
    const { link, sent, answer } = createLink();
    const result = link.request('ping', undefined, 1_000);
    expect(sent).toEqual([{ jsonrpc: '2.0', id: 'orch-1', method: 'ping' }]);
    answer({ id: 'orch-1', result: {} });
    await expect(result).resolves.toEqual({});
    expect(link.pendingRequests).toBe(0);
  });

  it('rejects on a JSON-RPC error with the method, message and code', async () => {
    const { link, answer } = createLink();
    const result = link.request('server/discover', {}, 1_000);
    answer({ id: 'orch-1', error: { code: -32601, message: 'Method not found' } });
    await expect(result).rejects.toEqual(new JsonRpcError('server/discover', -32601, 'Method not found'));
    await expect(link.request('x', undefined, 1).catch((e: Error) => e.message)).resolves.toBe('x timed out after 1 ms');
  });

  it('times out every request and forgets it', async () => {
    vi.useFakeTimers();
    const { link } = createLink();
    const result = link.request('ping', undefined, 5_000);
    vi.advanceTimersByTime(5_000);
    await expect(result).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(link.pendingRequests).toBe(0);
  });

  it('counts non-JSON-RPC lines as noise, never failing', () => {
    const { link, noise } = createLink();
    link.feed(Buffer.from('Server listening on stdio\n{"not":"jsonrpc"}\n\n[1,2]\n'));
    expect(noise).toEqual(['Server listening on stdio', '{"not":"jsonrpc"}', '[1,2]', '[1,2]']);
    expect(link.noiseLines).toBe(4);
  });

  it('counts an over-long line as noise and keeps working', async () => {
    const { link, noise, answer } = createLink();
    const result = link.request('ping', undefined, 1_000);
    link.feed(Buffer.from(`${'z'.repeat(5_000)}\n`));
    answer({ id: 'orch-1', result: {} });
    await expect(result).resolves.toEqual({});
    expect(noise).toEqual(['(a line of 5000 bytes, over the 1000-byte limit, dropped)']);
  });

  it('answers the server’s pings and refuses its other requests', () => {
    const { sent, answer } = createLink();
    answer({ id: 7, method: 'ping' });
    answer({ id: 8, method: 'roots/list' });
    answer({ method: 'notifications/message', params: {} });
    expect(sent).toEqual([
      { jsonrpc: '2.0', id: 7, result: {} },
      { jsonrpc: '2.0', id: 8, error: { code: -32601, message: 'orch does not handle roots/list' } },
    ]);
  });

  it('ignores answers to ids it did not send', () => {
    const { link, noise, answer } = createLink();
    answer({ id: 'other-session-1', result: {} });
    expect(noise).toEqual([]);
    expect(link.pendingRequests).toBe(0);
  });

  it('fails pending and later requests once closed', async () => {
    const { link } = createLink();
    const pending = link.request('ping', undefined, 1_000);
    link.close(new Error('the server exited with code 1'));
    await expect(pending).rejects.toThrow('the server exited with code 1');
    await expect(link.request('ping', undefined, 1_000)).rejects.toThrow('the server exited with code 1');
  });
});
