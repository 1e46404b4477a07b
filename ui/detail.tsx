/**
 * One server: its figures and graphs, its calls and sessions through the gateway and how to connect
 * (when there is a gateway), the effective policy, the last transitions, and a live log tail.
 */
import { formatBytes, formatLatency, formatPercent, type ServerDetail } from '../src/view-model.js';
import { Charts, type ChartSpec } from './chart.js';
import { ActionButtons, Figures, Layout, serverHref, StateBadge, Time } from './components.js';
import { CallsPanel, ConnectBox, SessionsPanel } from './gateway.js';
import { PolicyTable } from './policy.js';

const FORMAT = { percent: formatPercent, bytes: formatBytes, ms: formatLatency };

/** The tab says the state, so a server that crashes shows in the tab strip. */
export const detailTitle = (server: ServerDetail) => `${server.name} ${server.state}`;

export function DetailPage(props: { server: ServerDetail; dev: boolean; version: string; hasLogFile: boolean }) {
  const { server } = props;
  const href = serverHref(server.name);
  return (
    <Layout
      title={detailTitle(server)}
      page="server"
      dev={props.dev}
      version={props.version}
      head={
        <>
          <link rel="stylesheet" href="/assets/uPlot.min.css" />
          <script src="/assets/uPlot.iife.min.js" defer></script>
          <script src="/assets/charts.js" defer></script>
        </>
      }
    >
      <div id="live" hx-get={`/ui${href}`} hx-trigger="every 5s, orch:transition from:body" hx-sync="this:queue last">
        <DetailLive server={server} />
      </div>
      {server.endpoint === undefined ? null : <ConnectBox name={server.name} endpoint={server.endpoint} />}
      <div class="grid-2">
        <section>
          <h2>Command</h2>
          <div class="panel">
            <table>
              <tbody>
                <tr>
                  <th>command</th>
                  <td>
                    <code>{[server.command, ...server.args].join(' ')}</code>
                  </td>
                </tr>
                <tr>
                  <th>cwd</th>
                  <td>{server.cwd ?? '(the daemon\u2019s)'}</td>
                </tr>
                <tr>
                  <th>env</th>
                  <td>{server.envNames.length ? server.envNames.join(', ') : 'none'} (values are never shown)</td>
                </tr>
                <tr>
                  <th>protocol</th>
                  <td>{server.protocol ? `${server.protocol.protocolVersion} (${server.protocol.serverInfo.name ?? '?'} ${server.protocol.serverInfo.version ?? ''})` : '–'}</td>
                </tr>
              </tbody>
            </table>
          </div>
        </section>
        <section>
          <h2>Policy</h2>
          <div class="panel">
            <PolicyTable policy={server.policy} />
          </div>
        </section>
      </div>
      <section>
        <h2>Log</h2>
        <div class="panel">
          <div class="log-tools">
            <button type="button" id="log-pause" aria-pressed="false">
              Pause
            </button>
            {props.hasLogFile ? (
              <a class="button" href={`${href}/log`} download={`${server.name}.log`}>
                Download full log
              </a>
            ) : null}
            <span class="status" id="log-status" aria-live="polite">
              connecting…
            </span>
          </div>
          <pre class="log" id="log" data-stream={`/api${href}/logs/stream?tail=200`} tabindex={0} aria-label={`${server.name} log`}></pre>
        </div>
      </section>
    </Layout>
  );
}

export function DetailLive({ server }: { server: ServerDetail }) {
  const { history, policy } = server;
  const specs: ChartSpec[] = [
    { label: 'CPU', series: 'cpuPercent', unit: 'percent', limit: policy.health.cpuPercent },
    { label: 'Memory', series: 'memoryBytes', unit: 'bytes', limit: policy.health.memoryBytes },
    { label: 'Ping', series: 'pingMs', unit: 'ms' },
  ];
  const last = (spec: ChartSpec) => {
    const value = (history[spec.series] as (number | null)[]).filter((v) => v !== null).at(-1);
    return value === undefined ? '–' : FORMAT[spec.unit](value);
  };
  return (
    <>
      <h1 data-server={server.name} data-state={server.state} data-pid={server.pid ?? ''}>
        <span>{server.name}</span>
        <StateBadge state={server.state} />
      </h1>
      <div class="panel">
        <Figures server={server} callsPerMinute={server.calls?.perMinute} />
        <p class="reason">{server.reason}</p>
        {server.lastError ? <p class="error">last error: {server.lastError}</p> : null}
        <ActionButtons name={server.name} state={server.state} />
      </div>
      <h2>Last hour</h2>
      <Charts source={`/api${serverHref(server.name)}`} specs={specs} last={last} />
      {server.calls === undefined ? null : (
        <div class="grid-2">
          <CallsPanel calls={server.calls} />
          <SessionsPanel sessions={server.sessions ?? []} />
        </div>
      )}
      <h2>Transitions</h2>
      <div class="panel">
        <table>
          <thead>
            <tr>
              <th>time</th>
              <th>from → to</th>
              <th>reason</th>
            </tr>
          </thead>
          <tbody>
            {[...server.transitions].reverse().map((t) => (
              <tr>
                <td class="time">
                  <Time at={t.time} />
                </td>
                <td>
                  {t.from} → {t.to}
                </td>
                <td>{t.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
