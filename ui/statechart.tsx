/** The server statechart, drawn from the machine definition, with each server's current state highlighted. */
import type { ChartState } from '../src/view-model.js';
import { Layout } from './components.js';

export function StatechartPage(props: { chart: ChartState; current: Map<string, string[]>; version: string }) {
  return (
    <Layout title="Statechart" page="statechart" dev={true} version={props.version}>
      <h1>Server statechart</h1>
      <p class="reason">
        Read from <code>src/machines/server.machine.ts</code> at run time; <code>orch viz</code> prints it as Mermaid.
      </p>
      <div id="chart" hx-get="/ui/statechart" hx-trigger="every 5s, orch:transition from:body" hx-sync="this:queue last">
        <ChartView chart={props.chart} current={props.current} />
      </div>
    </Layout>
  );
}

/** `current` maps a state id to the servers in it. */
export function ChartView({ chart, current }: { chart: ChartState; current: Map<string, string[]> }) {
  return (
    <>
      {chart.children.map((state) => (
        <StateBox state={state} current={current} initial={chart.initial === state.id} />
      ))}
    </>
  );
}

function StateBox({ state, current, initial }: { state: ChartState; current: Map<string, string[]>; initial: boolean }) {
  const servers = current.get(state.id) ?? [];
  // Name the servers on the innermost state they are in; outer ones are only outlined.
  const deeper = new Set(state.children.flatMap((child) => collect(child, current)));
  const here = servers.filter((name) => !deeper.has(name));
  return (
    <div class={`chart-state${servers.length ? ' current' : ''}`} data-state-id={state.id} data-servers={servers.join(' ')}>
      <div class="chart-title">
        <span>{state.key}</span>
        {initial ? <span class="initial">(initial)</span> : null}
        {here.map((name) => (
          <span class="badge">{name}</span>
        ))}
      </div>
      {state.transitions.length ? (
        <ul class="chart-transitions">
          {state.transitions.map((t) => (
            <li>
              <code>{t.event}</code> → {t.target.split('.').slice(1).join('.')}
              {t.guard ? ` [${t.guard}]` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {state.children.length ? (
        <div class="chart-children">
          {state.children.map((child) => (
            <StateBox state={child} current={current} initial={state.initial === child.id} />
          ))}
        </div>
      ) : null}
    </div>
  );
}

function collect(state: ChartState, current: Map<string, string[]>): string[] {
  return [...(current.get(state.id) ?? []), ...state.children.flatMap((child) => collect(child, current))];
}
