/**
 * A server's tools for `orch describe`: `tools/list` over its MCP link, every page, each tool's
 * name and the first line of its description. Bounded: a server that pages forever or answers late
 * fails the listing, never the caller.
 */
import type { ProtocolInfo } from '../machines/server.types.js';
import { statelessParams, type ClientInfo } from './handshake.js';
import type { McpLink } from './link.js';
import { STATELESS_VERSION } from './protocol.js';

export interface ToolSummary {
  name: string;
  description: string;
}

const MAX_PAGES = 20;
const MAX_DESCRIPTION_CHARS = 200;

export async function listTools(
  link: McpLink,
  protocol: ProtocolInfo,
  options: { timeoutMs: number; clientInfo: ClientInfo },
): Promise<ToolSummary[]> {
  const base = protocol.generation === STATELESS_VERSION ? statelessParams(options.clientInfo) : {};
  const tools: ToolSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = (await link.request('tools/list', { ...base, ...(cursor !== undefined && { cursor }) }, options.timeoutMs)) as {
      tools?: unknown;
      nextCursor?: unknown;
    } | null;
    if (!Array.isArray(result?.tools)) throw new Error('tools/list answered without a list of tools');
    for (const tool of result.tools as { name?: unknown; description?: unknown }[]) {
      if (typeof tool?.name === 'string') tools.push({ name: tool.name, description: firstLine(tool.description) });
    }
    if (typeof result.nextCursor !== 'string' || result.nextCursor === '') return tools;
    cursor = result.nextCursor;
  }
  throw new Error(`tools/list still had more pages after ${MAX_PAGES}`);
}

function firstLine(description: unknown): string {
  if (typeof description !== 'string') return '';
  const line = description.trim().split('\n', 1)[0]!.trim();
  return line.length > MAX_DESCRIPTION_CHARS ? `${line.slice(0, MAX_DESCRIPTION_CHARS - 1)}…` : line;
}
