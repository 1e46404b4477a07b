/** The transition timeline across every server, newest first. */
import type { Transition } from '../src/view-model.js';
import { formatTime, Layout, serverHref, StateBadge } from './components.js';

export function EventsPage(props: { events: Transition[]; dev: boolean; version: string }) {
  return (
    <Layout title="Events" page="events" dev={props.dev} version={props.version}>
      <h1>Events</h1>
      <div class="panel">
        <table>
          <thead>
            <tr>
              <th>time</th>
              <th>server</th>
              <th>to</th>
              <th>reason</th>
            </tr>
          </thead>
          <tbody id="events" hx-get="/ui/events" hx-trigger="every 5s, orch:transition from:body" hx-sync="this:queue last">
            <EventRows events={props.events} />
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export function EventRows({ events }: { events: Transition[] }) {
  return (
    <>
      {events.map((t) => (
        <tr>
          <td class="time">{formatTime(t.time)}</td>
          <td>
            <a href={serverHref(t.server)}>{t.server}</a>
          </td>
          <td>
            <span class="reason">{t.from} →</span> <StateBadge state={t.to} />
          </td>
          <td>{t.reason}</td>
        </tr>
      ))}
    </>
  );
}
