/**
 * The gateway: one upstream per supervised server, the client sessions open on them, and the hooks
 * the process actor calls as links come and go. It holds no HTTP: the endpoint turns requests into
 * sessions and messages, and this is what they reach.
 */
import type { McpLink } from '../mcp/link.js';
import type { Policy } from '../config/policy.js';
import type { ProtocolInfo } from '../machines/server.types.js';
import type { JsonRpcMessage, Peer } from './peer.js';
import type { SessionIds } from './session-ids.js';
import type { CallRecord, SessionInfo } from './types.js';
import { Upstream, type UpstreamDeps } from './upstream.js';

export type GatewayPolicy = Policy['gateway'];

/** What the process actor tells the gateway about a server's MCP link. */
export interface LinkEvents {
  attach(server: string, link: McpLink, protocol: ProtocolInfo): void;
  detach(server: string, link: McpLink): void;
  serverMessage(server: string, link: McpLink, message: JsonRpcMessage): void;
}

export interface GatewayDeps {
  /** The server's gateway policy; undefined when orch runs no server of that name. */
  policy(server: string): GatewayPolicy | undefined;
  state(server: string): ReturnType<UpstreamDeps['state']>;
  log(server: string, text: string): void;
  record(call: CallRecord): void;
  ids: SessionIds;
  now?: () => number;
}

/** A client's session on one server's endpoint, whatever carries it. */
export interface GatewaySession {
  readonly id: string;
  readonly server: string;
  readonly peer: Peer;
  readonly openedAt: number;
  lastActiveAt: number;
  /** Ends it: its requests are cancelled and its stream closed. */
  close(): void;
}

export class Gateway implements LinkEvents {
  private readonly upstreams = new Map<string, Upstream>();
  private readonly sessions = new Map<string, GatewaySession>();
  readonly now: () => number;

  constructor(private readonly deps: GatewayDeps) {
    this.now = deps.now ?? Date.now;
  }

  get ids(): SessionIds {
    return this.deps.ids;
  }

  policy(server: string): GatewayPolicy | undefined {
    return this.deps.policy(server);
  }

  upstream(server: string): Upstream {
    let upstream = this.upstreams.get(server);
    if (!upstream) {
      upstream = new Upstream({
        name: server,
        policy: () => this.deps.policy(server) ?? REMOVED_POLICY,
        state: () => this.deps.state(server),
        log: (text) => this.deps.log(server, text),
        record: (call) => this.deps.record(call),
      });
      this.upstreams.set(server, upstream);
    }
    return upstream;
  }

  attach(server: string, link: McpLink, protocol: ProtocolInfo): void {
    this.upstream(server).attach(link, protocol);
  }

  detach(server: string, link: McpLink): void {
    this.upstreams.get(server)?.detach(link);
  }

  serverMessage(server: string, link: McpLink, message: JsonRpcMessage): void {
    this.upstreams.get(server)?.serverMessage(link, message);
  }

  stateChanged(server: string): void {
    this.upstreams.get(server)?.stateChanged();
  }

  /** A server left the config: its sessions end. */
  forget(server: string): void {
    for (const session of [...this.sessions.values()]) if (session.server === server) this.close(session.id);
    this.upstreams.delete(server);
  }

  open(session: GatewaySession): void {
    this.sessions.set(session.id, session);
    this.upstream(session.server).join(session.peer);
  }

  session(id: string): GatewaySession | undefined {
    return this.sessions.get(id);
  }

  close(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.upstreams.get(session.server)?.leave(session.peer);
    session.close();
  }

  /** Sessions quiet for longer than their server's `sessionIdleMs`; a later request revives them. */
  closeIdle(): void {
    const now = this.now();
    for (const session of [...this.sessions.values()]) {
      const idleMs = this.deps.policy(session.server)?.sessionIdleMs ?? 0;
      const upstream = this.upstreams.get(session.server);
      if (now - session.lastActiveAt > idleMs && !upstream?.inFlightFor(session.peer)) this.close(session.id);
    }
  }

  sessionsOf(server: string): SessionInfo[] {
    const upstream = this.upstreams.get(server);
    const found: SessionInfo[] = [];
    for (const session of this.sessions.values()) {
      if (session.server !== server) continue;
      found.push({
        id: session.id.slice(0, 8),
        server,
        era: session.peer.era,
        protocolVersion: session.peer.protocolVersion,
        client: session.peer.clientInfo,
        openedAt: session.openedAt,
        lastActiveAt: session.lastActiveAt,
        inFlight: upstream?.inFlightFor(session.peer) ?? 0,
      });
    }
    return found;
  }

  inFlight(server: string): number {
    return this.upstreams.get(server)?.requestsInFlight ?? 0;
  }

  /** Every session ends (the daemon stops). */
  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
  }
}

/** For a server that left the config while a request of its was on the way. */
const REMOVED_POLICY = { requestTimeoutMs: 1, waitReadyMs: 0 };
