/** The transition timeline across every server, newest first; under it, where webhooks posted them. */
import type { HookStatus, Transition } from '../src/view-model.js';
import { Layout, serverHref, StateBadge, Time } from './components.js';

export function EventsPage(props: { events: Transition[]; hooks: HookStatus[]; dev: boolean; version: string }) {
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
      {props.hooks.length > 0 ? <Webhooks hooks={props.hooks} /> : null}
    </Layout>
  );
}

/** Each hook's figures as the page was loaded (`orch hooks` has them too); the secret is never part of them. */
function Webhooks({ hooks }: { hooks: HookStatus[] }) {
  return (
    <>
      <h2>Webhooks</h2>
      <div class="panel">
        <table id="webhooks">
          <thead>
            <tr>
              <th>url</th>
              <th>events</th>
              <th>delivered</th>
              <th>failed</th>
              <th>dropped</th>
              <th>queued</th>
              <th>last delivery</th>
              <th>last error</th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((hook) => (
              <tr data-hook={hook.url}>
                <td>
                  {hook.url}
                  {hook.format === 'slack' ? <span class="reason"> (slack)</span> : null}
                </td>
                <td>
                  {hook.events.join(', ')}
                  {hook.servers ? <span class="reason"> for {hook.servers.join(', ')}</span> : null}
                </td>
                <td>{hook.delivered}</td>
                <td>{hook.failed}</td>
                <td>{hook.dropped}</td>
                <td>{hook.queued}</td>
                <td class="time">{hook.lastDeliveredAt === null ? '–' : <Time at={hook.lastDeliveredAt} />}</td>
                <td>
                  {hook.lastError ? (
                    <>
                      {hook.lastError.message} (<Time at={hook.lastError.at} />)
                    </>
                  ) : (
                    '–'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function EventRows({ events }: { events: Transition[] }) {
  return (
    <>
      {events.map((t) => (
        <tr>
          <td class="time">
            <Time at={t.time} />
          </td>
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
