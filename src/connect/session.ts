/**
 * The client's MCP session on the daemon, kept alive across daemon restarts so the client never sees
 * one. The daemon signs its session ids, so a restarted daemon takes the same id back: after a
 * refused connection this finds (or starts) the daemon again and sends the same message with the same
 * id. A daemon that does not know the id (404) gets the client's own `initialize` again, answered to
 * nobody, and the client carries on in the new session without knowing.
 *
 * What cannot be hidden is a call the old daemon was running: it gets a JSON-RPC error at once (a
 * call is never sent twice behind the client's back). Messages that come while the daemon is away
 * wait for it, for {@link WAIT_MS} at most.
 */
import { errorMessage } from '../errors.js';
import { DaemonHttp, type Endpoint, type Exchange } from './http.js';
import { errorAnswer, isAnswerTo, isRequest, type JsonRpcMessage } from './messages.js';
import { ClientSetup } from './setup.js';
import { until } from './until.js';

export interface SessionDeps {
  /** To the client (stdout). */
  write(message: JsonRpcMessage): void;
  /** Diagnostics (stderr). */
  log(line: string): void;
  /** Finds the daemon, or starts it, and makes sure the server runs: a client's message may bring them back. */
  locate(): Promise<Endpoint>;
  /** What daemon.json says now, starting nothing: the background stream must not undo an `orch shutdown`. */
  recorded(): Endpoint | undefined;
}

/** How long a message waits for the daemon to come back before it is answered with an error. */
export const WAIT_MS = 15_000;
/** Sends of one message: a first, and again after the daemon was found again or the session reopened. */
const MAX_ATTEMPTS = 3;
const STREAM_RETRY_MS = { first: 250, max: 5_000 };
/** A GET stream that lasted this long was healthy: its next failure starts the backoff over. */
const STREAM_LASTED_MS = 10_000;
const CLOSE_MS = 2_000;

/** A JSON-RPC error with the code the daemon gave it. */
class RelayError extends Error {
  constructor(
    message: string,
    readonly code = -32000,
  ) {
    super(message);
  }
}

export class RelaySession {
  private readonly http = new DaemonHttp();
  private endpoint: Endpoint | undefined;
  private recovering: Promise<Endpoint> | undefined;
  private reopening: Promise<void> | undefined;
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;
  /** The client's `initialize`, sent again when a daemon no longer knows the session. */
  private initialize: JsonRpcMessage | undefined;
  /** Settles once the client's `initialize` is answered: what follows needs its session id. */
  private initialized: Promise<void> | undefined;
  private readonly setup = new ClientSetup();
  private readonly oneWay = new Set<Promise<void>>();
  private ownIds = 0;
  private listening = false;
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(private readonly deps: SessionDeps) {
    // At once: the daemon and the server come up while the client is still writing its `initialize`.
    this.recover().catch(() => {});
  }

  /** A message from the client, in the order it came. */
  receive(message: JsonRpcMessage): void {
    const handled = this.handle(message);
    if (isRequest(message)) return;
    this.oneWay.add(handled);
    void handled.finally(() => this.oneWay.delete(handled));
  }

  /** The client went away: what it sent last is delivered, then the session ends, which cancels its calls. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await until(Promise.allSettled([...this.oneWay]), Date.now() + CLOSE_MS, () => undefined);
    if (this.endpoint && this.sessionId !== undefined) {
      const ended = this.http.exchange(this.endpoint, 'DELETE', this.headers(this.sessionId), undefined, () => {});
      await until(ended, Date.now() + CLOSE_MS, () => undefined);
    }
    this.http.close();
  }

  private async handle(message: JsonRpcMessage): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    try {
      if (message.method === 'initialize') {
        this.initialize = message;
        const sent = this.send(message, deadline);
        this.initialized = sent.catch(() => {});
        await sent;
      } else {
        await this.initialized;
        this.setup.remember(message);
        await this.send(message, deadline);
      }
    } catch (error) {
      this.deps.log(errorMessage(error));
      if (isRequest(message)) this.deps.write(errorAnswer(message.id, errorMessage(error), error instanceof RelayError ? error.code : undefined));
    }
  }

  private async send(message: JsonRpcMessage, deadline: number): Promise<void> {
    const opening = message.method === 'initialize';
    for (let attempt = 1; ; attempt++) {
      // The client's first `initialize` does not wait for the daemon and the server to be checked: with
      // both running it is answered a round trip sooner. Whatever else it meets, it waits and goes again.
      const hopeful = opening && attempt === 1 && !this.endpoint ? this.deps.recorded() : undefined;
      const endpoint = hopeful ?? (await this.reachable(deadline));
      const sessionId = opening ? undefined : this.sessionId;
      let answer: JsonRpcMessage | undefined;
      const exchange = await this.http.exchange(endpoint, 'POST', this.headers(sessionId), JSON.stringify(message), (reply) => {
        if (isRequest(message) && isAnswerTo(reply, message.id)) answer = reply;
        this.deps.write(reply);
      });
      const again = attempt < MAX_ATTEMPTS;
      if (hopeful && exchange.kind !== 'done') continue;
      if (exchange.kind === 'unreachable' && again) {
        this.recover(endpoint).catch(() => {});
      } else if (exchange.kind === 'rejected' && exchange.status === 404 && sessionId !== undefined && !unknownServer(exchange) && again) {
        await this.reopen(sessionId);
      } else {
        return this.settle(message, exchange, answer);
      }
    }
  }

  private settle(message: JsonRpcMessage, exchange: Exchange, answer: JsonRpcMessage | undefined): void {
    const method = typeof message.method === 'string' ? message.method : 'a response';
    const expected = isRequest(message) && answer === undefined;
    switch (exchange.kind) {
      case 'unreachable':
        throw new RelayError(`the orch daemon does not answer (${exchange.cause}); ${method} was not sent`);
      case 'lost':
        if (expected) throw new RelayError(`the orch daemon went away during ${method} (${exchange.cause}); the call was not retried`);
        if (!isRequest(message)) this.deps.log(`${method} may not have reached the daemon: ${exchange.cause}`);
        return;
      case 'rejected': {
        const error = exchange.body?.error as { code?: unknown; message?: unknown } | undefined;
        const text = typeof error?.message === 'string' ? error.message : `the orch daemon answered HTTP ${exchange.status}`;
        throw new RelayError(text, typeof error?.code === 'number' ? error.code : -32000);
      }
      case 'done':
        // The daemon ends every stream as it stops: a call whose stream ended unanswered went with it.
        if (expected) throw new RelayError(`the orch daemon stopped during ${method}; the call was not retried`);
        if (message.method === 'initialize' && answer?.result) this.opened(exchange.sessionId, answer.result);
        if (message.method === 'notifications/initialized') this.listen();
    }
  }

  /** The daemon's endpoint, once any search for it is over; an error when that takes too long or fails. */
  private reachable(deadline: number): Promise<Endpoint> {
    const pending = this.recovering ?? (this.endpoint ? undefined : this.recover());
    if (!pending) return Promise.resolve(this.endpoint!);
    return until(pending, deadline, () => {
      throw new RelayError(`the orch daemon did not come back within ${WAIT_MS / 1_000} s`);
    });
  }

  /** Finds or starts the daemon again; a no-op when another message already found a new one. */
  private recover(failed?: Endpoint): Promise<Endpoint> {
    if (failed && this.endpoint && this.endpoint !== failed) return Promise.resolve(this.endpoint);
    this.recovering ??= this.deps.locate().then(
      (endpoint) => {
        this.recovering = undefined;
        this.adopt(endpoint);
        return endpoint;
      },
      (error: unknown) => {
        this.recovering = undefined;
        throw error;
      },
    );
    return this.recovering;
  }

  private adopt(endpoint: Endpoint): void {
    const before = this.endpoint;
    this.endpoint = endpoint;
    if (!before || before.pid === endpoint.pid || this.sessionId === undefined) return;
    this.deps.log(`the orch daemon restarted (pid ${before.pid} → ${endpoint.pid}); carrying on in the same session`);
    this.restore();
    this.wake?.();
  }

  /** The daemon does not know the session: a new one from the client's own `initialize`, its answer kept from the client. */
  private reopen(stale: string): Promise<void> {
    if (this.sessionId !== stale) return Promise.resolve();
    this.reopening ??= this.openAgain().finally(() => (this.reopening = undefined));
    return this.reopening;
  }

  private async openAgain(): Promise<void> {
    if (!this.initialize) throw new RelayError('the orch daemon does not know this session, and the client never sent initialize');
    const { exchange, answer } = await this.own('initialize', this.initialize.params, undefined);
    const result = answer?.result;
    if (exchange.kind !== 'done' || !result) {
      const why = exchange.kind === 'done' ? JSON.stringify(answer?.error ?? 'no answer') : exchange.kind;
      throw new RelayError(`the orch daemon forgot this session and a new one could not be opened (${why})`);
    }
    this.opened(exchange.sessionId, result);
    const notified = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await this.http.exchange(this.endpoint!, 'POST', this.headers(this.sessionId), notified, this.deps.write);
    this.deps.log('the orch daemon did not know this session; opened a new one from the client’s initialize');
    this.restore();
    this.listen();
  }

  private opened(sessionId: string | undefined, result: unknown): void {
    const version = (result as { protocolVersion?: unknown }).protocolVersion;
    if (typeof version === 'string') {
      if (this.protocolVersion !== undefined && version !== this.protocolVersion) {
        this.deps.log(`the new session speaks MCP ${version}; the client agreed on ${this.protocolVersion}`);
      }
      this.protocolVersion = version;
    }
    this.sessionId = sessionId;
  }

  /** Tells a daemon (or a revived session) that is new to this client what the client had set up before. */
  private restore(): void {
    for (const [method, params] of this.setup.requests()) {
      void this.own(method, params, this.sessionId).then(({ exchange, answer }) => {
        // A session about to be reopened (404) or a daemon away is restored again once it is back.
        const refused = exchange.kind === 'rejected' && exchange.status !== 404;
        if (refused || answer?.error) this.deps.log(`could not restore ${method}: ${JSON.stringify(answer?.error ?? exchange)}`);
      });
    }
  }

  /** A request of orch connect's own; its answer is not the client's to see, anything else on its stream is. */
  private async own(method: string, params: unknown, sessionId: string | undefined) {
    const id = `orch-connect-${++this.ownIds}`;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) });
    let answer: JsonRpcMessage | undefined;
    const exchange = await this.http.exchange(this.endpoint!, 'POST', this.headers(sessionId), body, (reply) => {
      if (isAnswerTo(reply, id)) answer = reply;
      else this.deps.write(reply);
    });
    return { exchange, answer };
  }

  /** The GET stream, for what the server sends unasked: list changes, resource updates, log messages, its own requests. */
  private listen(): void {
    if (this.listening || this.closed || this.sessionId === undefined) return;
    this.listening = true;
    void this.stream().finally(() => (this.listening = false));
  }

  private async stream(): Promise<void> {
    let delay = STREAM_RETRY_MS.first;
    while (!this.closed && this.sessionId !== undefined && this.endpoint) {
      const [endpoint, sessionId, opened] = [this.endpoint, this.sessionId, Date.now()];
      const exchange = await this.http.exchange(endpoint, 'GET', { ...this.headers(sessionId), accept: 'text/event-stream' }, undefined, (message) =>
        this.deps.write(message),
      );
      if (this.closed) return;
      // The daemon ended the stream: it closed the session (idle, or stopping). A request revives the
      // session, but new to what the client set up.
      if (exchange.kind === 'done') this.restore();
      // 405: this endpoint offers no such stream.
      if (exchange.kind === 'rejected' && exchange.status === 405) return;
      if (exchange.kind === 'rejected' && exchange.status === 404) await this.reopen(sessionId).catch((error) => this.deps.log(errorMessage(error)));
      if (exchange.kind === 'unreachable') {
        // Someone else may have started a daemon; this stream never starts one.
        const now = this.deps.recorded();
        if (now && now.pid !== endpoint.pid) this.adopt(now);
      }
      if (Date.now() - opened > STREAM_LASTED_MS || this.endpoint !== endpoint || this.sessionId !== sessionId) delay = STREAM_RETRY_MS.first;
      await this.pause(delay);
      delay = Math.min(delay * 2, STREAM_RETRY_MS.max);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private headers(sessionId: string | undefined): Record<string, string> {
    return {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      ...(sessionId !== undefined && { 'mcp-session-id': sessionId }),
      ...(sessionId !== undefined && this.protocolVersion !== undefined && { 'mcp-protocol-version': this.protocolVersion }),
    };
  }
}

/** The daemon's 404 for a server it does not run, as opposed to a session it does not know. */
function unknownServer(exchange: Extract<Exchange, { kind: 'rejected' }>): boolean {
  return (exchange.body?.error as { code?: unknown } | undefined)?.code === -32601;
}
