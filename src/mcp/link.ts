/**
 * Newline-delimited JSON-RPC 2.0 over a server's stdin/stdout. orch's request ids carry their own
 * prefix so other sessions can share the link later; lines that are not JSON-RPC are counted as noise.
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
}

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

type Message = Record<string, unknown>;

export class McpLink {
  noiseLines = 0;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
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
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = `${this.options.idPrefix ?? 'orch-'}${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeoutError(method, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.send({ jsonrpc: '2.0', id, method, ...(params && { params }) });
    });
  }

  notify(method: string, params?: Message): void {
    if (!this.closedWith) this.send({ jsonrpc: '2.0', method, ...(params && { params }) });
  }

  /** Fails every request still waiting; later requests fail at once with the same error. */
  close(error: Error): void {
    this.closedWith ??= error;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(error);
    }
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
    const pending = this.pending.get(id);
    // A late answer, or one for another session sharing the link: not ours to judge.
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const error = message.error;
    if (isObject(error)) {
      const code = typeof error.code === 'number' ? error.code : -32603;
      pending.reject(new JsonRpcError(pending.method, code, String(error.message ?? 'error')));
    } else {
      pending.resolve(message.result);
    }
  }

  /** The server asked orch something: answer pings, refuse the rest, ignore notifications. */
  private answerRequest(message: Message): void {
    if (message.id === undefined || message.id === null) return;
    if (message.method === 'ping') {
      this.send({ jsonrpc: '2.0', id: message.id, result: {} });
    } else {
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
