/**
 * Newline-delimited JSON-RPC 2.0 over a server's stdin/stdout. orch's own requests (handshake, pings)
 * and the gateway's forwarded ones share one id namespace, so every answer finds its asker; lines that
 * are not JSON-RPC are counted as noise.
 */
import { LineSplitter } from './line-splitter.js';

export const MAX_LINE_BYTES = 4 * 1024 * 1024;
const METHOD_NOT_FOUND = -32601;

export class JsonRpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message} (${code})`);
  }
}

export class RequestTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} timed out after ${timeoutMs} ms`);
  }
}

export interface McpLinkOptions {
  write: (line: string) => void;
  idPrefix?: string;
  maxLineBytes?: number;
  onNoise?: (line: string) => void;
  /**
   * Notifications and requests from the server other than `ping`, for the gateway to route; without
   * it requests are refused and notifications ignored.
   */
  onServerMessage?: (message: Message) => void;
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** The server's answer as sent, or why none will come (the link closed). */
export type Answer = { result: unknown } | { error: RpcErrorObject } | { lost: Error };

type Message = Record<string, unknown>;

export class McpLink {
  noiseLines = 0;
  private nextId = 1;
  private readonly pending = new Map<string, (answer: Answer) => void>();
  private readonly splitter: LineSplitter;
  private closedWith: Error | undefined;

  constructor(private readonly options: McpLinkOptions) {
    const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.splitter = new LineSplitter({
      maxLineBytes,
      onLine: (line) => this.receive(line),
      onOversize: (bytes) => this.noise(`(a line of ${bytes} bytes, over the ${maxLineBytes}-byte limit, dropped)`),
    });
  }

  feed(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  request(method: string, params: Message | undefined, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.forget(id);
        reject(new RequestTimeoutError(method, timeoutMs));
      }, timeoutMs);
      const id = this.call(method, params, (answer) => {
        clearTimeout(timer);
        if ('result' in answer) resolve(answer.result);
        else if ('error' in answer) reject(new JsonRpcError(method, answer.error.code, answer.error.message));
        else reject(answer.lost);
      });
    });
  }

  /**
   * Sends a request whose answer goes to `settle` exactly once, unless it is forgotten first. No
   * timer: the gateway keeps its own, which progress resets. Returns the id the server sees.
   */
  call(method: string, params: unknown, settle: (answer: Answer) => void): string {
    const id = `${this.options.idPrefix ?? 'orch-'}${this.nextId++}`;
    if (this.closedWith) {
      const lost = this.closedWith;
      queueMicrotask(() => settle({ lost }));
      return id;
    }
    this.pending.set(id, settle);
    this.send(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    return id;
  }

  /** Stops waiting for an answer (timed out, cancelled): a late one is dropped. */
  forget(id: string): void {
    this.pending.delete(id);
  }

  /** Answers a request the server sent. */
  respond(id: unknown, answer: { result: unknown } | { error: RpcErrorObject }): void {
    if (!this.closedWith) this.send({ jsonrpc: '2.0', id, ...answer });
  }

  notify(method: string, params?: unknown): void {
    if (!this.closedWith) this.send(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  /** Fails every request still waiting; later requests fail at once with the same error. */
  close(error: Error): void {
    this.closedWith ??= error;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const settle of waiting) settle({ lost: error });
  }

  get pendingRequests(): number {
    return this.pending.size;
  }

  private send(message: Message): void {
    this.options.write(`${JSON.stringify(message)}\n`);
  }

  private receive(line: string): void {
    if (line.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.noise(line);
      return;
    }
    const messages = Array.isArray(message) ? message : [message];
    for (const item of messages) {
      if (!isJsonRpc(item)) this.noise(line);
      else if (typeof item.method === 'string') this.answerRequest(item);
      else this.settle(item);
    }
  }

  private settle(message: Message): void {
    const id = String(message.id);
    const settle = this.pending.get(id);
    // A late answer (timed out, cancelled): nobody waits for it any more.
    if (!settle) return;
    this.pending.delete(id);
    const error = message.error;
    if (isObject(error)) {
      const code = typeof error.code === 'number' ? error.code : -32603;
      settle({ error: { code, message: String(error.message ?? 'error'), ...(error.data !== undefined && { data: error.data }) } });
    } else {
      settle({ result: message.result });
    }
  }

  /** The server asked or told orch something: pings are answered here, the rest goes to the gateway. */
  private answerRequest(message: Message): void {
    const isRequest = message.id !== undefined && message.id !== null;
    if (isRequest && message.method === 'ping') {
      this.send({ jsonrpc: '2.0', id: message.id, result: {} });
    } else if (this.options.onServerMessage) {
      this.options.onServerMessage(message);
    } else if (isRequest) {
      this.send({
        jsonrpc: '2.0',
        id: message.id,
        error: { code: METHOD_NOT_FOUND, message: `orch does not handle ${String(message.method)}` },
      });
    }
  }

  private noise(line: string): void {
    this.noiseLines += 1;
    this.options.onNoise?.(line);
  }
}

function isObject(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJsonRpc(value: unknown): value is Message {
  if (!isObject(value) || value.jsonrpc !== '2.0') return false;
  return typeof value.method === 'string' || 'result' in value || 'error' in value;
}
