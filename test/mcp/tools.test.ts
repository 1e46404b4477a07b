import { describe, expect, it } from 'vitest';
import { McpLink } from '../../src/mcp/link.js';
import { listTools } from '../../src/mcp/tools.js';
import type { ProtocolInfo } from '../../src/machines/server.types.js';

const legacy: ProtocolInfo = { generation: 'legacy', protocolVersion: '2025-11-25', serverInfo: {}, capabilities: {} };
const stateless: ProtocolInfo = { ...legacy, generation: '2026-07-28', protocolVersion: '2026-07-28' };
const clientInfo = { name: 'orch', version: 'test' };

/** A link whose server answers each tools/list with the next page, or never. */
function serverWith(pages: unknown[] | 'silent') {
  const asked: Record<string, unknown>[] = [];
  const link: McpLink = new McpLink({
    write: (line) => {
      const request = JSON.parse(line) as { id: string; params: Record<string, unknown> };
      asked.push(request.params);
      if (pages === 'silent') return;
      const result = pages[asked.length - 1];
      queueMicrotask(() => link.feed(Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, result })}\n`)));
    },
  });
  return { link, asked };
}

describe('listTools', () => {
  it('follows every page and keeps the first line of each description', async () => {
    const { link, asked } = serverWith([
      { tools: [{ name: 'read', description: '  Reads a file.\nLong details…' }], nextCursor: 'p2' },
      { tools: [{ name: 'write' }, { description: 'no name: skipped' }] },
    ]);
    expect(await listTools(link, legacy, { timeoutMs: 1_000, clientInfo })).toEqual([
      { name: 'read', description: 'Reads a file.' },
      { name: 'write', description: '' },
    ]);
    expect(asked).toEqual([{}, { cursor: 'p2' }]);
  });

  it('sends the stateless generation its _meta on every request', async () => {
    const { link, asked } = serverWith([{ tools: [] }]);
    await listTools(link, stateless, { timeoutMs: 1_000, clientInfo });
    expect(asked[0]).toMatchObject({ _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } });
  });

  it('fails within the timeout when the server does not answer, and on an answer without tools', async () => {
    await expect(listTools(serverWith('silent').link, legacy, { timeoutMs: 50, clientInfo })).rejects.toThrow('tools/list timed out after 50 ms');
    await expect(listTools(serverWith([{}]).link, legacy, { timeoutMs: 1_000, clientInfo })).rejects.toThrow('without a list of tools');
  });
});
