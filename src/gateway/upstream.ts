/**
 * One supervised server as the gateway's clients share it. It outlives the server's processes: each
 * process's MCP link is attached when its handshake succeeds and detached when it exits, while client
 * sessions stay. Every client request goes to the backend under an id of orch's own and its answer
 * comes back to that client only; progress, cancellation, subscriptions, log levels and the server's
 * own requests are routed per client. No request waits forever: each has a timer that progress resets.
 */
import { createHash } from 'node:crypto';
import type { Answer, McpLink, RpcErrorObject } from '../mcp/link.js';
import { STATELESS_VERSION } from '../mcp/protocol.js';
import type { ProtocolInfo } from '../machines/server.types.js';
import type { DisplayState } from '../status.js';
import {
  asInputRequired,
  capabilityFor,
  inputRequests,
  inputResponse,
  legacyResult,
  missingCapability,
  modernResult,
  retryParams,
  withEnvelope,
  withoutEnvelope,
  type InputRequest,
} from './era.js';
import { logSeverity, type JsonRpcMessage, type LogLevel, type Peer, type RequestId } from './peer.js';
import type { CallOutcome, CallRecord } from './types.js';

export interface GatewayPolicy {
  requestTimeoutMs: number;
  waitReadyMs: number;
}

export interface UpstreamDeps {
  name: string;
  policy(): GatewayPolicy;
  /** The server's state and why, for requests that arrive while no process answers. */
  state(): { state: DisplayState; reason: string };
  /** A line in the server's log. */
  log(text: string): void;
  record(call: CallRecord): void;
}

/** JSON-RPC codes orch answers with itself. */
export const GATEWAY_ERRORS = {
  unavailable: -32000,
  timeout: -32001,
  cancelled: -32800,
  methodNotFound: -32601,
  invalidParams: -32602,
  missingCapability: -32021,
} as const;
/** Rounds of `input_required` one call may go through before orch calls it a loop. */
const MAX_INPUT_ROUNDS = 8;

interface Attachment {
  link: McpLink;
  protocol: ProtocolInfo;
}

interface InFlight {
  /** The client and its request id: a 2026 client's retry with its inputs takes the call over. */
  peer: Peer;
  clientId: RequestId;
  backendId: string;
  link: McpLink;
  method: string;
  /** As forwarded, for re-sending it with the client's inputs (a 2026 backend's `input_required`). */
  params: JsonRpcMessage | undefined;
  rounds: number;
  tool: string | null;
  clientToken?: unknown;
  backendToken?: string;
  started: number;
  timer: NodeJS.Timeout;
}

/** A request the server sent to one client, waiting for that client's answer. */
interface Relayed {
  peer: Peer;
  link: McpLink;
  backendId: unknown;
}

/** A question orch put to a 2025 client for a 2026 backend's `input_required` result. */
interface Asked {
  call: InFlight;
  settle(answer: { result: unknown } | { error: RpcErrorObject }): void;
}

/** A 2025 backend's request to a 2026 client, handed to it as `input_required`, until the client retries. */
interface Parked {
  call: InFlight;
  link: McpLink;
  backendId: unknown;
  key: string;
}

/** States in which a request waits for the server rather than failing at once (`stopping` may be a restart). */
const WAITABLE: ReadonlySet<string> = new Set(['starting', 'backoff', 'running', 'unhealthy', 'stopping']);
const SERVING: ReadonlySet<string> = new Set(['running', 'unhealthy']);
const LIST_KINDS = [
  { capability: 'tools', method: 'tools/list', notification: 'notifications/tools/list_changed' },
  { capability: 'prompts', method: 'prompts/list', notification: 'notifications/prompts/list_changed' },
  { capability: 'resources', method: 'resources/list', notification: 'notifications/resources/list_changed' },
] as const;
const LIST_TIMEOUT_MS = 10_000;

export class Upstream {
  private attachment: Attachment | undefined;
  /** The last handshake's answer, kept across restarts so `initialize` need not wait for one. */
  private lastProtocol: ProtocolInfo | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly byClient = new Map<Peer, Map<RequestId, InFlight>>();
  private readonly relayed = new Map<string, Relayed>();
  private readonly asked = new Map<string, Asked>();
  private readonly parked = new Map<string, Parked>();
  private readonly subscriptions = new Map<string, Set<Peer>>();
  private readonly peers = new Set<Peer>();
  private appliedLevel: LogLevel | undefined;
  private listDigests: Map<string, string> | undefined;
  private nextToken = 1;

  constructor(private readonly deps: UpstreamDeps) {}

  get name(): string {
    return this.deps.name;
  }

  /** The backend's own description, waiting for a first handshake if there never was one. */
  async protocol(): Promise<ProtocolInfo> {
    if (this.lastProtocol) return this.lastProtocol;
    return (await this.ready()).protocol;
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  inFlightFor(peer: Peer): number {
    return this.byClient.get(peer)?.size ?? 0;
  }

  attach(link: McpLink, protocol: ProtocolInfo): void {
    this.attachment = { link, protocol };
    this.lastProtocol = protocol;
    this.restore({ link, protocol });
    this.wake();
  }

  /** The process behind `link` is gone; its link has failed what was in flight already. */
  detach(link: McpLink): void {
    if (this.attachment?.link === link) this.attachment = undefined;
    for (const [id, relay] of this.relayed) if (relay.link === link) this.relayed.delete(id);
  }

  /** The server changed state: requests waiting for it may fail now rather than at their deadline. */
  stateChanged(): void {
    this.wake();
  }

  join(peer: Peer): void {
    this.peers.add(peer);
    // What the lists are now, so that a restart can tell whether they changed.
    if (this.listDigests === undefined && this.attachment) void this.compareLists(this.attachment);
  }

  /** A session ended: its requests are cancelled at the backend (saying why) and its subscriptions released. */
  leave(peer: Peer, why = 'the client session ended'): void {
    this.peers.delete(peer);
    for (const call of [...(this.byClient.get(peer)?.values() ?? [])]) this.cancel(peer, call.clientId, why);
    for (const [uri, holders] of this.subscriptions) {
      if (holders.delete(peer) && holders.size === 0) {
        this.subscriptions.delete(uri);
        this.tell('resources/unsubscribe', { uri });
      }
    }
    for (const [id, relay] of this.relayed) {
      if (relay.peer !== peer) continue;
      this.relayed.delete(id);
      relay.link.respond(relay.backendId, { error: { code: GATEWAY_ERRORS.unavailable, message: 'the client session ended' } });
    }
    if (peer.logLevel) this.applyLogLevel();
  }

  /** A message from a client: a request (answered through `peer.deliver`), a notification, or an answer to the server. */
  receive(peer: Peer, message: JsonRpcMessage): void {
    const method = message.method;
    if (typeof method !== 'string') {
      this.answerServer(message);
      return;
    }
    if (message.id === undefined || message.id === null) {
      this.notification(peer, method, message.params as JsonRpcMessage | undefined);
      return;
    }
    const id = message.id as RequestId;
    const params = (message.params ?? undefined) as JsonRpcMessage | undefined;
    if (method === 'ping') peer.deliver({ jsonrpc: '2.0', id, result: {} });
    // A 2026 request is a peer of its own, gone with its answer: nothing of it is kept to count.
    else if (peer.era === 'modern') void this.forward(peer, id, method, params);
    else if (method === 'resources/subscribe' || method === 'resources/unsubscribe') void this.subscription(peer, id, method, params);
    else if (method === 'logging/setLevel') void this.setLevel(peer, id, params);
    else void this.forward(peer, id, method, params);
  }

  /** The client gave up on a request: the backend is told, the client's stream is closed. */
  cancel(peer: Peer, clientId: RequestId, reason: string): void {
    const call = this.byClient.get(peer)?.get(clientId);
    if (!call) return;
    call.link.forget(call.backendId);
    call.link.notify('notifications/cancelled', { requestId: call.backendId, reason });
    this.finish(call, 'cancelled', { error: { code: GATEWAY_ERRORS.cancelled, message: `cancelled: ${reason}` } });
  }

  /** A message the server sent on its own: a notification, or a request for one of the clients. */
  serverMessage(link: McpLink, message: JsonRpcMessage): void {
    if (this.attachment?.link !== link) return;
    const method = String(message.method);
    const params = (message.params ?? {}) as JsonRpcMessage;
    if (message.id !== undefined && message.id !== null) {
      this.relayRequest(link, message.id, method, params);
      return;
    }
    switch (method) {
      case 'notifications/progress':
        this.progress(params);
        break;
      case 'notifications/message':
        this.logMessage(params);
        break;
      case 'notifications/resources/updated':
        for (const peer of this.subscriptions.get(String(params.uri)) ?? []) peer.deliver({ jsonrpc: '2.0', method, params });
        break;
      case 'notifications/cancelled': {
        const relay = this.relayed.get(String(params.requestId));
        if (relay) this.relayed.delete(String(params.requestId));
        relay?.peer.deliver({ jsonrpc: '2.0', method, params });
        break;
      }
      default:
        this.broadcast({ jsonrpc: '2.0', method, params });
    }
  }

  private async forward(peer: Peer, clientId: RequestId, method: string, params: JsonRpcMessage | undefined): Promise<void> {
    const started = performance.now();
    const tool = method === 'tools/call' && typeof params?.name === 'string' ? params.name : null;
    let attachment: Attachment;
    try {
      attachment = await this.ready();
    } catch (error) {
      const message = (error as Error).message;
      peer.deliver({ jsonrpc: '2.0', id: clientId, error: { code: GATEWAY_ERRORS.unavailable, message } });
      this.deps.record({ server: this.name, method, tool, outcome: 'restart', durationMs: performance.now() - started });
      return;
    }
    const { link, protocol } = attachment;
    const parked = peer.era === 'modern' && typeof params?.requestState === 'string' ? this.parked.get(params.requestState) : undefined;
    if (parked) {
      this.resume(parked, peer, clientId, params!);
      return;
    }
    let forwarded = this.translateRequest(peer, protocol, params);
    const clientToken = (params?._meta as JsonRpcMessage | undefined)?.progressToken;
    let backendToken: string | undefined;
    if (clientToken !== undefined) {
      backendToken = `orch-p${this.nextToken++}`;
      forwarded = { ...forwarded, _meta: { ...(forwarded?._meta as JsonRpcMessage), progressToken: backendToken } };
    }
    const call: InFlight = {
      peer,
      clientId,
      backendId: '',
      link,
      method,
      params: forwarded,
      rounds: 0,
      tool,
      clientToken,
      backendToken,
      started,
      timer: undefined as unknown as NodeJS.Timeout,
    };
    call.backendId = link.call(method, forwarded, (answer) => this.settle(call, answer));
    call.timer = this.armTimer(call);
    this.inFlight.set(backendToken ?? call.backendId, call);
    if (backendToken !== undefined) this.inFlight.set(call.backendId, call);
    let mine = this.byClient.get(peer);
    if (!mine) this.byClient.set(peer, (mine = new Map()));
    mine.set(clientId, call);
  }

  private translateRequest(peer: Peer, protocol: ProtocolInfo, params: JsonRpcMessage | undefined): JsonRpcMessage | undefined {
    const modernBackend = protocol.generation === STATELESS_VERSION;
    if (modernBackend && peer.era === 'legacy') return withEnvelope(params, peer);
    if (!modernBackend && peer.era === 'modern') return withoutEnvelope(params);
    return params;
  }

  private armTimer(call: InFlight): NodeJS.Timeout {
    const timeoutMs = this.deps.policy().requestTimeoutMs;
    return setTimeout(() => {
      call.link.forget(call.backendId);
      call.link.notify('notifications/cancelled', { requestId: call.backendId, reason: `orch's timeout of ${timeoutMs} ms` });
      this.finish(call, 'timeout', {
        error: {
          code: GATEWAY_ERRORS.timeout,
          message: `${this.name}: ${call.method} got no answer within ${timeoutMs} ms (gateway.requestTimeoutMs); orch cancelled it at the server`,
        },
      });
    }, timeoutMs);
  }

  private settle(call: InFlight, answer: Answer): void {
    if ('lost' in answer) {
      const message = `${this.name} ${answer.lost.message.replace(/^the server /, '')}; the call was not retried`;
      this.finish(call, 'restart', { error: { code: GATEWAY_ERRORS.unavailable, message } });
    } else if ('error' in answer) {
      this.finish(call, `jsonrpc:${answer.error.code}`, answer);
    } else {
      const asks = call.peer.era === 'legacy' && this.attachmentOf(call)?.generation === STATELESS_VERSION ? inputRequests(answer.result) : undefined;
      if (asks) {
        void this.gatherInputs(call, asks, (answer.result as { requestState?: string }).requestState);
        return;
      }
      const result = this.translateResult(call, answer.result);
      const isError = (result as { isError?: unknown } | null)?.isError === true;
      this.finish(call, isError ? 'tool_error' : 'ok', { result });
    }
  }

  /**
   * A 2026 backend needs input (elicitation, sampling, roots) to go on: a 2025 client is asked the
   * older way, with server-to-client requests on its request's stream, and the call is sent again
   * with the answers.
   */
  private async gatherInputs(call: InFlight, asks: InputRequest[], requestState: string | undefined): Promise<void> {
    const fail = (code: number, message: string, data?: unknown) =>
      this.finish(call, `jsonrpc:${code}`, { error: { code, message, ...(data !== undefined && { data }) } });
    if (++call.rounds > MAX_INPUT_ROUNDS) {
      fail(GATEWAY_ERRORS.unavailable, `${this.name} asked for input ${MAX_INPUT_ROUNDS} times for one ${call.method}; orch gave up`);
      return;
    }
    for (const ask of asks) {
      const missing = missingCapability(ask, call.peer.clientCapabilities);
      if (missing) {
        const client = call.peer.clientInfo?.name ?? 'the client';
        fail(GATEWAY_ERRORS.missingCapability, `${this.name} needs ${Object.keys(missing).join(', ')} from the client for ${call.method}, and ${client} did not declare it`, {
          requiredCapabilities: missing,
        });
        return;
      }
    }
    const answers: Record<string, Record<string, unknown>> = {};
    for (const ask of asks) {
      const answer = await this.askClient(call, ask.method, ask.params);
      if (!this.inFlight.has(call.backendId)) return;
      if ('error' in answer) {
        fail(answer.error.code, answer.error.message);
        return;
      }
      answers[ask.key] = answer.result as Record<string, unknown>;
    }
    this.inFlight.delete(call.backendId);
    clearTimeout(call.timer);
    call.params = retryParams(call.params, answers, requestState);
    call.backendId = call.link.call(call.method, call.params, (answer) => this.settle(call, answer));
    this.inFlight.set(call.backendId, call);
    call.timer = this.armTimer(call);
  }

  private askClient(call: InFlight, method: string, params: unknown): Promise<{ result: unknown } | { error: RpcErrorObject }> {
    return new Promise((settle) => {
      const id = `orch-s${this.nextToken++}`;
      this.asked.set(id, { call, settle });
      call.peer.deliver({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) }, call.clientId);
    });
  }

  /**
   * A 2025 backend asks something of a 2026 client, which takes no requests: the client's request is
   * answered `input_required`, and the backend waits until the client sends it again with its answer.
   */
  private park(call: InFlight, link: McpLink, backendId: unknown, method: string, params: JsonRpcMessage): void {
    const requestState = `orch-r${this.nextToken++}`;
    this.parked.set(requestState, { call, link, backendId, key: 'orch' });
    const mine = this.byClient.get(call.peer);
    mine?.delete(call.clientId);
    if (mine?.size === 0) this.byClient.delete(call.peer);
    call.peer.deliver({ jsonrpc: '2.0', id: call.clientId, result: asInputRequired({ method, params }, 'orch', requestState) });
  }

  private resume(parked: Parked, peer: Peer, clientId: RequestId, params: JsonRpcMessage): void {
    const requestState = String(params.requestState);
    this.parked.delete(requestState);
    const answer = inputResponse(params, parked.key);
    if (answer === undefined) {
      parked.link.respond(parked.backendId, { error: { code: GATEWAY_ERRORS.invalidParams, message: 'the client sent no answer' } });
    } else {
      parked.link.respond(parked.backendId, { result: answer });
    }
    const { call } = parked;
    call.peer = peer;
    call.clientId = clientId;
    let mine = this.byClient.get(peer);
    if (!mine) this.byClient.set(peer, (mine = new Map()));
    mine.set(clientId, call);
    clearTimeout(call.timer);
    call.timer = this.armTimer(call);
  }

  private translateResult(call: InFlight, result: unknown): unknown {
    const modernBackend = this.attachmentOf(call)?.generation === STATELESS_VERSION;
    if (typeof result !== 'object' || result === null) return result;
    if (modernBackend && call.peer.era === 'legacy') return legacyResult(call.method, result as Record<string, unknown>);
    if (!modernBackend && call.peer.era === 'modern') return modernResult(call.method, result as Record<string, unknown>);
    return result;
  }

  private attachmentOf(call: InFlight): ProtocolInfo | undefined {
    return this.attachment?.link === call.link ? this.attachment.protocol : this.lastProtocol;
  }

  private finish(call: InFlight, outcome: CallOutcome, answer: { result: unknown } | { error: RpcErrorObject }): void {
    clearTimeout(call.timer);
    for (const [id, asked] of this.asked) if (asked.call === call) this.asked.delete(id);
    for (const [state, parked] of this.parked) if (parked.call === call) this.parked.delete(state);
    this.inFlight.delete(call.backendId);
    if (call.backendToken !== undefined) this.inFlight.delete(call.backendToken);
    const mine = this.byClient.get(call.peer);
    mine?.delete(call.clientId);
    if (mine?.size === 0) this.byClient.delete(call.peer);
    call.peer.deliver({ jsonrpc: '2.0', id: call.clientId, ...answer });
    this.deps.record({ server: this.name, method: call.method, tool: call.tool, outcome, durationMs: performance.now() - call.started });
  }

  private progress(params: JsonRpcMessage): void {
    const call = this.inFlight.get(String(params.progressToken));
    if (!call || call.backendToken === undefined) return;
    clearTimeout(call.timer);
    call.timer = this.armTimer(call);
    call.peer.deliver({ jsonrpc: '2.0', method: 'notifications/progress', params: { ...params, progressToken: call.clientToken } }, call.clientId);
  }

  private logMessage(params: JsonRpcMessage): void {
    const severity = logSeverity(params.level);
    const data = typeof params.data === 'string' ? params.data : JSON.stringify(params.data);
    this.deps.log(`log message (${String(params.level)}${params.logger ? `, ${String(params.logger)}` : ''}): ${data}`);
    for (const peer of this.peers) {
      if (peer.logLevel !== undefined && severity >= logSeverity(peer.logLevel)) {
        peer.deliver({ jsonrpc: '2.0', method: 'notifications/message', params });
      }
    }
  }

  private broadcast(message: JsonRpcMessage): void {
    for (const peer of this.peers) peer.deliver(message);
  }

  /**
   * The server asks a client something (sampling, elicitation, roots). Over a shared stdio pipe it
   * cannot say which client: the one with requests in flight is meant, when there is exactly one.
   */
  private relayRequest(link: McpLink, backendId: unknown, method: string, params: JsonRpcMessage): void {
    const askers = [...this.byClient.keys()];
    const refuse = (message: string) => link.respond(backendId, { error: { code: GATEWAY_ERRORS.methodNotFound, message } });
    if (askers.length !== 1) {
      refuse(
        askers.length === 0
          ? `orch has no client to ask ${method}: no request is in flight`
          : `orch cannot tell which of ${askers.length} clients with requests in flight should answer ${method}`,
      );
      return;
    }
    const peer = askers[0]!;
    const missing = missingCapability({ method, params }, peer.clientCapabilities);
    if (missing) {
      refuse(`the client ${peer.clientInfo?.name ?? ''} did not declare the ${capabilityFor(method)} capability`.replace('  ', ' '));
      return;
    }
    const calls = this.byClient.get(peer)!;
    if (peer.era === 'modern') {
      if (capabilityFor(method) === undefined || calls.size !== 1) refuse(`orch cannot pass ${method} to a ${STATELESS_VERSION} client`);
      else this.park(calls.values().next().value!, link, backendId, method, params);
      return;
    }
    const relayId = `orch-s${this.nextToken++}`;
    this.relayed.set(relayId, { peer, link, backendId });
    const related = calls.keys().next().value;
    peer.deliver({ jsonrpc: '2.0', id: relayId, method, params }, related);
  }

  private answerServer(message: JsonRpcMessage): void {
    const asked = this.asked.get(String(message.id));
    if (asked) {
      this.asked.delete(String(message.id));
      const error = message.error as RpcErrorObject | undefined;
      asked.settle(error ? { error } : { result: message.result ?? {} });
      return;
    }
    const relay = this.relayed.get(String(message.id));
    if (!relay) return;
    this.relayed.delete(String(message.id));
    const error = message.error as RpcErrorObject | undefined;
    relay.link.respond(relay.backendId, error ? { error } : { result: message.result ?? {} });
  }

  private notification(peer: Peer, method: string, params: JsonRpcMessage | undefined): void {
    if (method === 'notifications/cancelled') {
      const requestId = params?.requestId as RequestId | undefined;
      if (requestId !== undefined) this.cancel(peer, requestId, String(params?.reason ?? 'cancelled by the client'));
    } else if (method === 'notifications/initialized') {
      // orch did the handshake with the server itself; the client's half ends here.
    } else if (this.attachment) {
      this.attachment.link.notify(method, this.translateRequest(peer, this.attachment.protocol, params));
    }
  }

  /** Subscriptions are counted per session: the backend hears the first subscribe and the last unsubscribe. */
  private async subscription(peer: Peer, id: RequestId, method: string, params: JsonRpcMessage | undefined): Promise<void> {
    const uri = String(params?.uri);
    const holders = this.subscriptions.get(uri) ?? new Set<Peer>();
    const first = holders.size === 0;
    if (method === 'resources/subscribe') {
      holders.add(peer);
      this.subscriptions.set(uri, holders);
      if (first) return this.forward(peer, id, method, params);
    } else if (holders.delete(peer) && holders.size === 0) {
      this.subscriptions.delete(uri);
      return this.forward(peer, id, method, params);
    }
    peer.deliver({ jsonrpc: '2.0', id, result: {} });
  }

  /** The backend logs at the most verbose level any session asked for; each session gets what it asked for. */
  private async setLevel(peer: Peer, id: RequestId, params: JsonRpcMessage | undefined): Promise<void> {
    if (logSeverity(params?.level) < 0) {
      peer.deliver({ jsonrpc: '2.0', id, error: { code: GATEWAY_ERRORS.invalidParams, message: `unknown log level ${String(params?.level)}` } });
      return;
    }
    peer.logLevel = params!.level as LogLevel;
    const wanted = this.wantedLevel();
    if (wanted === this.appliedLevel) {
      peer.deliver({ jsonrpc: '2.0', id, result: {} });
      return;
    }
    this.appliedLevel = wanted;
    return this.forward(peer, id, 'logging/setLevel', { ...params, level: wanted });
  }

  private wantedLevel(): LogLevel | undefined {
    let wanted: LogLevel | undefined;
    for (const peer of this.peers) {
      if (peer.logLevel !== undefined && (wanted === undefined || logSeverity(peer.logLevel) < logSeverity(wanted))) wanted = peer.logLevel;
    }
    return wanted;
  }

  private applyLogLevel(): void {
    const wanted = this.wantedLevel();
    if (wanted === undefined || wanted === this.appliedLevel) return;
    this.appliedLevel = wanted;
    this.tell('logging/setLevel', { level: wanted });
  }

  /** A request orch makes on its clients' behalf, whose answer nobody waits for. */
  private tell(method: string, params: JsonRpcMessage): void {
    const attachment = this.attachment;
    if (!attachment) return;
    const forwarded = attachment.protocol.generation === STATELESS_VERSION ? withEnvelope(params, ORCH_PEER) : params;
    attachment.link.call(method, forwarded, (answer) => {
      if ('error' in answer) this.deps.log(`${method} ${JSON.stringify(params)} failed: ${answer.error.message}`);
    });
  }

  /** After a restart the new process knows nothing: subscriptions and the log level are set again, and lists compared. */
  private restore(attachment: Attachment): void {
    for (const uri of this.subscriptions.keys()) this.tell('resources/subscribe', { uri });
    if (this.appliedLevel !== undefined) this.tell('logging/setLevel', { level: this.appliedLevel });
    if (this.peers.size === 0 && this.listDigests === undefined) return;
    void this.compareLists(attachment);
  }

  private async compareLists(attachment: Attachment): Promise<void> {
    const before = this.listDigests;
    const after = new Map<string, string>();
    for (const kind of LIST_KINDS) {
      if (attachment.protocol.capabilities[kind.capability] === undefined) continue;
      try {
        const params = attachment.protocol.generation === STATELESS_VERSION ? withEnvelope({}, ORCH_PEER) : {};
        const list = JSON.stringify(await attachment.link.request(kind.method, params, LIST_TIMEOUT_MS));
        after.set(kind.method, createHash('sha1').update(list).digest('base64'));
      } catch {
        return;
      }
    }
    this.listDigests = after;
    if (!before) return;
    for (const kind of LIST_KINDS) {
      if (before.get(kind.method) !== after.get(kind.method)) this.broadcast({ jsonrpc: '2.0', method: kind.notification });
    }
  }

  /** The current link once the server can take requests; fails at once when it is not coming. */
  private ready(): Promise<Attachment> {
    const now = this.available();
    if (now instanceof Error) return Promise.reject(now);
    if (now) return Promise.resolve(now);
    const { waitReadyMs } = this.deps.policy();
    return new Promise((resolve, reject) => {
      const check = () => {
        const state = this.available();
        if (state === undefined) return;
        done();
        if (state instanceof Error) reject(state);
        else resolve(state);
      };
      const timer = setTimeout(() => {
        done();
        const { state, reason } = this.deps.state();
        reject(new Error(`${this.name} is ${state} (${reason}); the request waited ${waitReadyMs} ms (gateway.waitReadyMs)`));
      }, waitReadyMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** The attachment if requests may go now, an Error if they cannot come to, undefined to wait. */
  private available(): Attachment | Error | undefined {
    const { state, reason } = this.deps.state();
    if (this.attachment && SERVING.has(state)) return this.attachment;
    if (!WAITABLE.has(state)) {
      const hint = state === 'stopped' || state === 'crashed' || state === 'disabled' ? `; start it with \`orch start ${this.name}\`` : '';
      return new Error(`${this.name} is ${state} (${reason})${hint}`);
    }
    return undefined;
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** orch itself, when it asks the backend on behalf of every session (re-subscribing after a restart). */
const ORCH_PEER = { clientInfo: { name: 'orch', version: '' }, clientCapabilities: {}, protocolVersion: STATELESS_VERSION };
