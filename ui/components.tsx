/** Pieces every dashboard page shares: the page frame, the state badge, the action buttons, figures, times. */
import type { Child } from 'hono/jsx';
import {
  formatBytes,
  formatLatency,
  formatPercent,
  formatRate,
  formatUptime,
  nameSegment,
  orDash,
  allowedActions,
  type DisplayState,
  type ServerAction,
  type ServerStatus,
} from '../src/view-model.js';

export type Page = 'overview' | 'events' | 'statechart' | 'server';

/** `head` takes a page's own stylesheets and scripts (the server page's graphs). */
export function Layout(props: { title: string; page: Page; dev: boolean; version: string; live?: boolean; head?: Child; children: Child }) {
  const link = (page: Page, href: string, label: string) => (
    <a href={href} aria-current={props.page === page ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <PageTitle title={props.title} />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/style.css" />
        <script src="/assets/htmx.min.js" defer></script>
        <script src="/assets/dashboard.js" defer></script>
        {props.head}
      </head>
      <body data-live={props.live === false ? 'false' : 'true'}>
        <header class="top">
          <a class="brand" href="/">
            orch
          </a>
          <nav>
            {link('overview', '/', 'Overview')}
            {link('events', '/events', 'Events')}
            {props.dev ? link('statechart', '/statechart', 'Statechart') : null}
          </nav>
          <span class="meta">v{props.version}</span>
        </header>
        <main>{props.children}</main>
        <div id="flash" role="status" aria-live="polite"></div>
      </body>
    </html>
  );
}

/** Also sent at the root of a live fragment: htmx makes it the tab's title, so the tab follows the states. */
export function PageTitle({ title }: { title: string }) {
  return <title>{title} · orch</title>;
}

/**
 * A dot coloured by style.css and the word: no emoji, which render as empty boxes without an emoji font.
 * A remote server's state stays `remote`; whether its last check found it answering follows the word.
 */
export function StateBadge({ state, reachable }: { state: DisplayState; reachable?: boolean | null }) {
  const checked = reachable === true ? ' · reachable' : reachable === false ? ' · unreachable' : '';
  return (
    <span class={`state state-word-${state}`} data-state={state}>
      <StateDot state={state} /> {state}
      {checked}
    </span>
  );
}

export function StateDot({ state }: { state: DisplayState }) {
  return <span class={`dot dot-${state}`} aria-hidden="true"></span>;
}

const LABELS: Record<ServerAction, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };

/**
 * The same requests the CLI sends, enabled where the server's state allows them (the table the API
 * and CLI read); htmx posts them from this origin, so they pass the Origin check.
 */
export function ActionButtons({ name, state }: { name: string; state: DisplayState }) {
  if (state === 'remote') return null;
  const allowed = allowedActions(state);
  return (
    <div class="actions">
      {(Object.keys(LABELS) as ServerAction[]).map((action) => (
        <button
          type="button"
          hx-post={`/api/servers/${nameSegment(name)}/${action}`}
          hx-swap="none"
          disabled={!allowed.includes(action)}
          data-action={action}
          aria-label={`${LABELS[action]} ${name}`}
        >
          {LABELS[action]}
        </button>
      ))}
    </div>
  );
}

/**
 * `callsPerMinute` is the gateway's rate, given only when there is a gateway to count calls. A remote
 * server has no process of orch's: no pid, uptime, restarts, CPU or memory to show.
 */
export function Figures({ server, callsPerMinute }: { server: ServerStatus; callsPerMinute?: number }) {
  const processRows: [string, string, string][] = [
    ['pid', 'pid', orDash(server.pid, String)],
    ['uptime', 'uptime', orDash(server.uptimeMs, formatUptime)],
    ['restarts', 'restarts', String(server.restarts)],
    ['cpu', 'CPU', orDash(server.cpuPercent, formatPercent)],
    ['memory', 'memory', orDash(server.memoryBytes, formatBytes)],
  ];
  const rows: [string, string, string][] = [
    ...(server.url === undefined ? processRows : []),
    ['ping', 'last ping', orDash(server.lastPingMs, formatLatency)],
  ];
  if (callsPerMinute !== undefined) rows.push(['calls', 'calls/min', formatRate(callsPerMinute)]);
  return (
    <dl class="figures">
      {rows.map(([key, label, value]) => (
        <div>
          <dt>{label}</dt>
          <dd data-figure={key}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A server's page; `/ui${href}` and `/api${href}` are its live fragment and its API resource. */
export function serverHref(name: string): string {
  return `/servers/${nameSegment(name)}`;
}

/**
 * A moment in time: dashboard.js shows it in the browser's time zone, one format everywhere, the full
 * time on hover. Until then (and without JS) it reads in UTC, saying so.
 */
export function Time({ at }: { at: number }) {
  const iso = new Date(at).toISOString();
  return (
    <time datetime={iso} title={iso}>
      {iso.replace('T', ' ').slice(0, 19)} UTC
    </time>
  );
}
