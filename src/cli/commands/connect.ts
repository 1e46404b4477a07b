/**
 * `orch connect NAME`: a stdio MCP server a client runs instead of the server's own command. Each line
 * the client writes goes to the daemon's `/mcp/NAME`; what comes back is written one message a line.
 * stdout carries nothing but those messages (the client parses every line), so diagnostics go to
 * stderr, where clients keep a server's log. It ends when the client closes stdin.
 */
import { resolveHome } from '../../home.js';
import { LineSplitter } from '../../mcp/line-splitter.js';
import { locate, recorded } from '../../connect/locate.js';
import { errorAnswer, type JsonRpcMessage } from '../../connect/messages.js';
import { RelaySession } from '../../connect/session.js';

/** Far above the 4 MiB the daemon takes in one message, which it refuses with an answer the client sees. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

export async function connectCommand(server: string): Promise<void> {
  // A stray console.log anywhere would be a line the client cannot parse.
  console.log = console.info = console.debug = console.error;
  const home = resolveHome();
  const log = (line: string) => process.stderr.write(`orch connect ${server}: ${line}\n`);
  const write = (message: JsonRpcMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const session = new RelaySession({
    write,
    log,
    locate: () => locate(home, server, log),
    recorded: () => recorded(home, server),
  });

  const lines = new LineSplitter({
    maxLineBytes: MAX_LINE_BYTES,
    onLine: (line) => {
      if (line.trim() === '') return;
      const messages = parseLine(line);
      if (!messages) return write(errorAnswer(null, 'Parse error: a line that is not a JSON-RPC message', -32700));
      // A batch (2025-03-26) goes message by message; each answer comes back on its own line.
      for (const message of messages) session.receive(message);
    },
    onOversize: (bytes) => log(`dropped a message of ${bytes} bytes from the client (over ${MAX_LINE_BYTES / 1024 / 1024} MiB)`),
  });
  if (process.stdin.isTTY) log('speaks MCP on stdin and stdout, for an MCP client to run; Ctrl-D ends it');
  process.stdin.on('data', (chunk: Buffer) => lines.push(chunk));
  // A client that stops its server with a signal gets the same goodbye as one that closes stdin.
  await new Promise((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('error', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  lines.end();
  await session.close();
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(0);
}

function parseLine(line: string): JsonRpcMessage[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const messages = Array.isArray(value) ? value : [value];
  return messages.length > 0 && messages.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m)) ? messages : undefined;
}
