/** What the MCP gateway adds to a server's page: its calls, the client sessions open on it, and how to connect. */
import { formatLatency, formatRate, type ServerCalls, type SessionInfo } from '../src/view-model.js';
import { Time } from './components.js';

/** Rates over the last 5 minutes, everything else over the last hour, as `CallStats` keeps them. */
export function CallsPanel({ calls }: { calls: ServerCalls }) {
  return (
    <section aria-label="Calls">
      <h2>Calls</h2>
      <div class="panel gateway">
        {calls.tools.length === 0 ? (
          <p class="reason" data-empty="calls">
            No calls through orch yet
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>tool or method</th>
                <th class="num" title="over the last 5 minutes">calls/min</th>
                <th class="num" title="over the last hour">calls (1 h)</th>
                <th class="num" title="any outcome but ok, over the last hour">errors</th>
                <th class="num">p50</th>
                <th class="num">p99</th>
              </tr>
            </thead>
            <tbody>
              {calls.tools.map((row) => (
                <tr data-call={row.tool ?? row.method}>
                  <td>{row.tool === null ? <code>{row.method}</code> : row.tool}</td>
                  <td class="num">{formatRate(row.perMinute)}</td>
                  <td class="num">{row.calls}</td>
                  <td class={row.errors > 0 ? 'num failed' : 'num'}>{row.errors}</td>
                  <td class="num">{formatLatency(row.p50Ms)}</td>
                  <td class="num">{formatLatency(row.p99Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

export function SessionsPanel({ sessions }: { sessions: SessionInfo[] }) {
  return (
    <section aria-label="Open sessions">
      <h2>Open sessions</h2>
      <div class="panel gateway">
        {sessions.length === 0 ? (
          <p class="reason" data-empty="sessions">
            No client has a session open
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>client</th>
                <th>protocol</th>
                <th>since</th>
                <th class="num">in flight</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <tr data-session={session.id}>
                  <td>
                    {session.client ? `${session.client.name} ${session.client.version}` : 'unnamed client'}
                    <span class="reason" title={session.member === undefined ? 'session' : `session, served by ${session.member}`}>
                      {session.id}
                    </span>
                  </td>
                  <td class="nowrap">{session.protocolVersion}</td>
                  <td class="time">
                    <Time at={session.openedAt} />
                  </td>
                  <td class="num">{session.inFlight}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

/** A word the shell reads back as itself: names may hold spaces, quotes, anything but control characters. */
const shellWord = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** How a client reaches the server through orch: the HTTP endpoint, or `orch connect` for stdio-only clients. */
export function ConnectBox({ name, endpoint }: { name: string; endpoint: string }) {
  const stdio = `${JSON.stringify(name)}: ${JSON.stringify({ command: 'orch', args: ['connect', name] })}`;
  return (
    <section aria-label="Connect">
      <h2>Connect</h2>
      <div class="panel connect">
        <table>
          <tbody>
            <tr>
              <th>HTTP</th>
              <td>
                <code data-endpoint>{endpoint}</code>
                <p class="reason">
                  Streamable HTTP, with the header <code>{'Authorization: Bearer <token>'}</code>, the token being the content of{' '}
                  <code>$ORCH_HOME/token</code> (<code>~/.orch/token</code> by default).
                </p>
              </td>
            </tr>
            <tr>
              <th>stdio</th>
              <td>
                <code data-connect>orch connect {shellWord(name)}</code>
                <p class="reason">
                  For clients that only start commands (Claude Desktop), in their <code>mcpServers</code>: <code>{stdio}</code>
                </p>
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
