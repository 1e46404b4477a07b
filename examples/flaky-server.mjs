#!/usr/bin/env node
// A demo MCP server that misbehaves now and then, so a newcomer sees orch bring it back:
// 15–30 s after it starts it either crashes or freezes (stops answering ping).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'flaky-demo', version: '1.0.0' });
server.registerTool('coin', { description: 'Flips a coin' }, async () => ({
  content: [{ type: 'text', text: Math.random() < 0.5 ? 'heads' : 'tails' }],
}));
await server.connect(new StdioServerTransport());
console.error('flaky-demo: up, and planning to misbehave soon');

const delay = 15_000 + Math.random() * 15_000;
setTimeout(() => {
  if (Math.random() < 0.5) {
    console.error('flaky-demo: crashing on purpose');
    process.exit(1);
  }
  console.error('flaky-demo: freezing on purpose (no more answers)');
  // Blocks the only thread without burning CPU: pings go unanswered, as in a real deadlock.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}, delay);
