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
  /** Adds a member running its own process of `server` for one session; answers its name. */
  openMember(server: string): string;
  /** That session ended: its member stops and goes. */
  closeMember(member: string): void;
  now?: () => number;
}

/** A client's session on one server's endpoint, whatever carries it. */
export interface GatewaySession {
  readonly id: string;
  readonly server: string;
  readonly peer: Peer;
  readonly openedAt: number;
  /** For a per-session server: the member running this session's own process. */
  readonly member?: string;
  lastActiveAt: number;
  /** Ends it: its requests are cancelled and its stream closed. */
  close(): void;
}

export class Gateway implements LinkEvents {
  private readonly upstreams = new Map<string, Upstream>();
  private readonly sessions = new Map<string, GatewaySession>();
  /** Sessions this daemon ended (DELETE, an idle per-session process): 404 from now on, never revived. */
  private readonly ended = new Set<string>();
  /** Per-session members and the server they run: their calls count as that server's. */
  private readonly members = new Map<string, string>();
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
        record: (call) => this.deps.record({ ...call, server: this.members.get(server) ?? server }),
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
    for (const session of [...this.sessions.values()]) if (session.server === server || session.member === server) this.close(session.id);
    this.upstreams.delete(server);
    this.members.delete(server);
  }

  open(session: GatewaySession): void {
    this.sessions.set(session.id, session);
    this.upstream(session.member ?? session.server).join(session.peer);
  }

  /** A per-session server's own process for a new session, or why there can be none now. */
  openMember(server: string): { member: string } | { refused: string } {
    const limit = this.deps.policy(server)?.maxSessions ?? 0;
    const open = [...this.sessions.values()].filter((session) => session.server === server && session.member !== undefined).length;
    if (open >= limit) {
      return { refused: `${server} already runs ${open} per-session processes, its gateway.maxSessions; end a session or raise the limit` };
    }
    const member = this.deps.openMember(server);
    this.members.set(member, server);
    return { member };
  }

  closeMember(member: string): void {
    this.deps.closeMember(member);
  }

  session(id: string): GatewaySession | undefined {
    return this.sessions.get(id);
  }

  /**
   * Ends a session. `revivable`: its state is only dropped to save memory (a quiet shared session),
   * and its next request opens it again as after a daemon restart.
   */
  close(id: string, revivable = false, why?: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    if (!revivable) {
      this.ended.add(id);
      if (this.ended.size > MAX_ENDED) this.ended.delete(this.ended.values().next().value!);
    }
    this.upstreams.get(session.member ?? session.server)?.leave(session.peer, why);
    session.close();
    if (session.member !== undefined) this.deps.closeMember(session.member);
  }

  /**
   * Sessions quiet for longer than their server's `sessionIdleMs`: a per-session server's process
   * stops and its session ends; a shared server's session only drops its state, revived on its next request.
   */
  closeIdle(now = this.now()): void {
    for (const session of [...this.sessions.values()]) {
      const idleMs = this.deps.policy(session.server)?.sessionIdleMs ?? 0;
      const upstream = this.upstreams.get(session.member ?? session.server);
      if (now - session.lastActiveAt > idleMs && !upstream?.inFlightFor(session.peer)) this.close(session.id, session.member === undefined);
    }
  }

  hasEnded(id: string): boolean {
    return this.ended.has(id);
  }

  sessionsOf(server: string): SessionInfo[] {
    const found: SessionInfo[] = [];
    for (const session of this.sessions.values()) {
      if (session.server !== server) continue;
      const upstream = this.upstreams.get(session.member ?? server);
      found.push({
        id: session.id.slice(0, 8),
        server,
        era: session.peer.era,
        protocolVersion: session.peer.protocolVersion,
        client: session.peer.clientInfo,
        openedAt: session.openedAt,
        lastActiveAt: session.lastActiveAt,
        inFlight: upstream?.inFlightFor(session.peer) ?? 0,
        ...(session.member !== undefined && { member: session.member }),
      });
    }
    return found;
  }

  /** A per-session server's requests are its sessions' members' requests. */
  inFlight(server: string): number {
    let total = this.upstreams.get(server)?.requestsInFlight ?? 0;
    for (const session of this.sessions.values()) {
      if (session.server === server && session.member !== undefined) total += this.upstreams.get(session.member)?.requestsInFlight ?? 0;
    }
    return total;
  }

  /** The daemon stops: every session's state goes, to be revived by the next daemon. */
  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id, true, 'the orch daemon is stopping; the call was not retried');
  }
}

/** Enough ended ids to answer 404 to clients that keep trying; the oldest are forgotten first. */
const MAX_ENDED = 10_000;

/** For a server that left the config while a request of its was on the way. */
const REMOVED_POLICY = { requestTimeoutMs: 1, waitReadyMs: 0 };
