/** The three kinds of JSON-RPC message `orch connect` relays, told apart by their fields. */
import type { JsonRpcMessage, RequestId } from '../gateway/peer.js';

export type { JsonRpcMessage, RequestId };

/** A message that expects an answer: a method and an id. */
export function isRequest(message: JsonRpcMessage): message is JsonRpcMessage & { id: RequestId; method: string } {
  return typeof message.method === 'string' && (typeof message.id === 'string' || typeof message.id === 'number');
}

/** The answer to the request with this id (a server's own request to the client shares ids, not a method). */
export function isAnswerTo(message: JsonRpcMessage, id: RequestId): boolean {
  return message.id === id && message.method === undefined;
}

/** What `orch connect` answers a request with when the daemon cannot. -32000: the JSON-RPC range for server errors. */
export function errorAnswer(id: RequestId | null, message: string, code = -32000): JsonRpcMessage {
  return { jsonrpc: '2.0', id, error: { code, message } };
}
