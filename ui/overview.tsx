/** The overview: the daemon's own figures, a summary bar, a filter, and one card per server, refreshed as transitions happen. */
import {
  DISPLAY_STATES,
  formatBytes,
  formatLatency,
  formatPercent,
  formatUptime,
  type DaemonHealth,
  type DisplayState,
  type ServerGroup,
  type ServerStatus,
} from '../src/view-model.js';
import { ActionButtons, Figures, Layout, serverHref, StateBadge, StateDot } from './components.js';

/** The states someone should look at; the tab title counts them ("2 crashed · orch"), or says all is well. */
const ATTENTION: readonly DisplayState[] = ['crashed', 'unhealthy', 'backoff'];

export function overviewTitle(servers: ServerStatus[]): string {
  const counts = [
    ...ATTENTION.map((state) => [state, servers.filter((s) => s.state === state).length] as const),
    ['unreachable', servers.filter((s) => s.reachable === false).length] as const,
  ].filter(([, n]) => n > 0);
  return counts.length === 0 ? 'Overview' : counts.map(([state, n]) => `${n} ${state}`).join(', ');
}

export interface OverviewFilter {
  name?: string;
  state?: string;
}

export function OverviewPage(props: {
  servers: ServerStatus[];
  /** Calls per minute by server name, when the gateway counts calls. */
  calls?: ReadonlyMap<string, number>;
  groups: ServerGroup[];
  config: string;
  health: DaemonHealth;
  dev: boolean;
  version: string;
}) {
  return (
    <Layout title={overviewTitle(props.servers)} page="overview" dev={props.dev} version={props.version}>
      <section class="daemon" aria-label="The orch daemon">
        <p class="config">
          config: <code data-config>{props.config}</code>
        </p>
        <div id="daemon" hx-get="/ui/daemon" hx-trigger="every 5s" hx-sync="this:replace">
          <DaemonFigures health={props.health} />
        </div>
        <a href="/metrics">metrics</a>
      </section>
      <section id="filters" class="filters" aria-label="Filter servers">
        <input
          id="filter-name"
          name="name"
          type="search"
          placeholder={props.groups.length > 0 ? `Filter by name or @group (${props.groups.map((g) => `@${g.name}`).join(', ')})` : 'Filter by name'}
          aria-label="Filter by name or @group"
          autocomplete="off"
        />
        <select id="filter-state" name="state" aria-label="Filter by state">
          <option value="">All states</option>
          {DISPLAY_STATES.map((state) => (
            <option value={state}>{state}</option>
          ))}
        </select>
      </section>
      <div
        id="live"
        hx-get="/ui/overview"
        hx-include="#filters"
        hx-trigger="every 5s, orch:transition from:body, input changed delay:150ms from:#filter-name, change from:#filter-state"
        hx-sync="this:queue last"
      >
        <OverviewLive servers={props.servers} groups={props.groups} filter={{}} calls={props.calls} />
      </div>
    </Layout>
  );
}

export function OverviewLive({
  servers,
  groups,
  filter,
  calls,
}: {
  servers: ServerStatus[];
  groups: ServerGroup[];
  filter: OverviewFilter;
  calls?: ReadonlyMap<string, number>;
}) {
  const text = filter.name?.trim() ?? '';
  // `@dev` is the group, as on the CLI; any other text is part of a name.
  const group = text.startsWith('@') ? groups.find((g) => g.name === text.slice(1)) : undefined;
  const matches = (server: ServerStatus) =>
    group ? group.members.includes(server.name) : !text || server.name.toLowerCase().includes(text.toLowerCase());
  const shown = servers.filter((s) => matches(s) && (!filter.state || s.state === filter.state));
  return (
    <>
      <p class="summary" aria-label="Servers per state">
        <span>{servers.length} servers</span>
        {DISPLAY_STATES.map((state) => {
          const count = servers.filter((s) => s.state === state).length;
          return count === 0 ? null : (
            <span data-summary={state}>
              <StateDot state={state} /> {count} {state}
            </span>
          );
        })}
      </p>
      <div class="cards">
        {shown.map((server) => (
          <ServerCard server={server} callsPerMinute={calls?.get(server.name)} />
        ))}
      </div>
      {shown.length === 0 ? <p class="reason">{servers.length === 0 ? 'No servers are configured.' : 'No server matches the filter.'}</p> : null}
    </>
  );
}

export function ServerCard({ server, callsPerMinute }: { server: ServerStatus; callsPerMinute?: number }) {
  // A remote's last error matters while its checks fail; a local server's while it is not running.
  const failing = server.url === undefined ? server.state !== 'running' : server.reachable === false;
  return (
    <article
      class={`card state-${server.state}`}
      data-server={server.name}
      data-state={server.state}
      data-pid={server.pid ?? ''}
      data-reachable={server.reachable === undefined ? undefined : String(server.reachable)}
    >
      <header>
        {server.url === undefined ? <a href={serverHref(server.name)}>{server.name}</a> : <span>{server.name}</span>}
        <StateBadge state={server.state} reachable={server.reachable} />
      </header>
      {server.url === undefined ? null : <p class="reason">{server.url}</p>}
      {server.sessionOf === undefined ? null : <p class="reason">one client session's own process of {server.sessionOf}</p>}
      <Figures server={server} callsPerMinute={callsPerMinute} />
      {server.lastError && failing ? <p class="error">{server.lastError}</p> : <p class="reason">{server.reason}</p>}
      {/* A session's process lives and ends with its session, not by command. */}
      {server.sessionOf === undefined ? <ActionButtons name={server.name} state={server.state} /> : null}
    </article>
  );
}

/** The daemon's own cost: a supervisor that grows or stalls is the first thing to rule out. */
export function DaemonFigures({ health }: { health: DaemonHealth }) {
  const rows: [string, string, string, string?][] = [
    ['uptime', 'up', formatUptime(health.uptimeMs), `since ${health.startedAt}`],
    ['rss', 'RSS', formatBytes(health.rssBytes)],
    ['cpu', 'CPU', formatPercent(health.cpuPercent), 'over the last 10 s'],
    ['delay', 'event-loop delay p99', formatLatency(health.eventLoopDelay.p99Ms), `p50 ${formatLatency(health.eventLoopDelay.p50Ms)}, max ${formatLatency(health.eventLoopDelay.maxMs)}`],
  ];
  return (
    <dl class="daemon-figures">
      {rows.map(([key, label, value, hint]) => (
        <div title={hint}>
          <dt>{label}</dt>
          <dd data-daemon={key}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
