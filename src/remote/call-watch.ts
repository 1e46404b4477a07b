/**
 * What became of one call proxied to a remote, read from its answer as it streams past the client,
 * so the calls a remote serves through orch count in `/metrics` and on its card like any server's.
 * Only the answer to the call's own id is looked for; once found, the rest passes unread.
 */
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { CallOutcome } from '../gateway/types.js';
import { SseParser } from '../sse-events.js';

export interface ProxiedCall {
  id: string | number;
  method: string;
  /** The tool's name for `tools/call`, else null. */
  tool: string | null;
}

type Message = { id?: unknown; result?: { isError?: unknown }; error?: { code?: unknown } };

/** The call a POST body is: one JSON-RPC request. A notification, an answer or a batch is not counted. */
export function callOf(body: unknown): ProxiedCall | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { id, method, params } = body as { id?: unknown; method?: unknown; params?: { name?: unknown } };
  if ((typeof id !== 'string' && typeof id !== 'number') || typeof method !== 'string') return undefined;
  const tool = method === 'tools/call' && typeof params?.name === 'string' ? params.name : null;
  return { id, method, tool };
}

/**
 * Reads `answer` beside whoever consumes it (attach after them: a `data` listener starts the flow);
 * `done` is told the outcome once, when the answer is found or the stream ends without one.
 */
export function watchAnswer(call: ProxiedCall, answer: IncomingMessage, maxBytes: number, done: (outcome: CallOutcome) => void): void {
  const failed = (answer.statusCode ?? 500) >= 400;
  const decoder = new StringDecoder('utf8');
  const events = answer.headers['content-type']?.includes('text/event-stream') ? new SseParser(maxBytes) : undefined;
  let json = '';
  let settled = false;
  const settle = (outcome: CallOutcome) => {
    if (settled) return;
    settled = true;
    answer.off('data', read);
    done(outcome);
  };
  const read = (chunk: Buffer) => {
    const text = decoder.write(chunk);
    if (events) {
      try {
        for (const event of events.push(text)) {
          const outcome = event.event === 'message' ? outcomeOf(parse(event.data), call.id, failed) : undefined;
          if (outcome) return settle(outcome);
        }
      } catch {
        // An event over the bound is a result too large to read here, not a failure.
        settle('ok');
      }
      return;
    }
    json += text;
    if (json.length > maxBytes) settle('ok');
  };
  answer.on('data', read);
  answer.once('close', () => {
    const outcome = json === '' ? undefined : outcomeOf(parse(json), call.id, failed);
    // No answer at all: the client left, or the remote dropped the stream.
    settle(outcome ?? (failed ? 'jsonrpc:-32000' : events ? 'cancelled' : 'ok'));
  });
}

/** The outcome the answer to `id` says; an HTTP error's body may name no id. */
function outcomeOf(parsed: unknown, id: string | number, failed: boolean): CallOutcome | undefined {
  const messages = (Array.isArray(parsed) ? parsed : [parsed]) as (Message | null)[];
  const answer = messages.find((m) => m?.id === id) ?? (failed ? messages.find((m) => m?.error) : undefined);
  if (!answer) return undefined;
  if (answer.error) return `jsonrpc:${typeof answer.error.code === 'number' ? answer.error.code : -32000}`;
  return answer.result?.isError === true ? 'tool_error' : 'ok';
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
