/**
 * `orch describe NAME`: everything about one server in one answer. The detail readers already get
 * (command, env names, policy, protocol, last exit, recent transitions) plus what costs a round trip
 * or a read of `/proc`: its tools, asked over its MCP link, and its process tree. A server that cannot
 * list its tools (stopped, slow, broken) still gets described, with the reason in `toolsError`.
 */
import type { ToolSummary } from './mcp/tools.js';
import type { ToolsAnswer } from './machines/server.types.js';
import type { ProcessInfo } from './os/tree-info.js';
import type { ServerDetail } from './status.js';

export interface ServerDescription extends Omit<ServerDetail, 'history'> {
  tools: ToolSummary[] | null;
  toolsError: string | null;
  processTree: ProcessInfo[];
  /** The log file and its rotations that exist, newest first. */
  logFiles: string[];
}

/** Recent transitions are enough to tell why it restarted; the dashboard has the rest. */
export const DESCRIBED_TRANSITIONS = 20;

export function describeServer(
  detail: ServerDetail,
  parts: { tools: ToolsAnswer; processTree: ProcessInfo[]; logFiles: string[] },
): ServerDescription {
  const { history: _history, ...rest } = detail;
  return {
    ...rest,
    tools: 'tools' in parts.tools ? parts.tools.tools : null,
    toolsError: 'error' in parts.tools ? parts.tools.error : null,
    processTree: parts.processTree,
    logFiles: parts.logFiles,
  };
}
