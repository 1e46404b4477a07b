/** The overview: a summary bar, a filter, and one card per server, refreshed as transitions happen. */
import { SERVER_STATES, type ServerStatus } from '../src/view-model.js';
import { ActionButtons, Figures, Layout, serverHref, STATE_SYMBOL, StateBadge } from './components.js';

export interface OverviewFilter {
  name?: string;
  state?: string;
}

export function OverviewPage(props: { servers: ServerStatus[]; dev: boolean; version: string }) {
  return (
    <Layout title="Overview" page="overview" dev={props.dev} version={props.version}>
      <section id="filters" class="filters" aria-label="Filter servers">
        <input id="filter-name" name="name" type="search" placeholder="Filter by name" aria-label="Filter by name" autocomplete="off" />
        <select id="filter-state" name="state" aria-label="Filter by state">
          <option value="">All states</option>
          {SERVER_STATES.map((state) => (
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
        <OverviewLive servers={props.servers} filter={{}} />
      </div>
    </Layout>
  );
}

export function OverviewLive({ servers, filter }: { servers: ServerStatus[]; filter: OverviewFilter }) {
  const name = filter.name?.trim().toLowerCase() ?? '';
  const shown = servers.filter(
    (s) => (!name || s.name.toLowerCase().includes(name)) && (!filter.state || s.state === filter.state),
  );
  return (
    <>
      <p class="summary" aria-label="Servers per state">
        <span>{servers.length} servers</span>
        {SERVER_STATES.map((state) => {
          const count = servers.filter((s) => s.state === state).length;
          return count === 0 ? null : (
            <span data-summary={state}>
              {STATE_SYMBOL[state]} {count} {state}
            </span>
          );
        })}
      </p>
      <div class="cards">
        {shown.map((server) => (
          <ServerCard server={server} />
        ))}
      </div>
      {shown.length === 0 ? <p class="reason">{servers.length === 0 ? 'No servers are configured.' : 'No server matches the filter.'}</p> : null}
    </>
  );
}

export function ServerCard({ server }: { server: ServerStatus }) {
  return (
    <article class={`card state-${server.state}`} data-server={server.name} data-state={server.state} data-pid={server.pid ?? ''}>
      <header>
        <a href={serverHref(server.name)}>{server.name}</a>
        <StateBadge state={server.state} />
      </header>
      <Figures server={server} />
      {server.lastError && server.state !== 'running' ? <p class="error">{server.lastError}</p> : <p class="reason">{server.reason}</p>}
      <ActionButtons name={server.name} state={server.state} />
    </article>
  );
}
