/**
 * The server statechart as an SVG diagram: boxes for states (compound states contain their
 * children), labelled arrows for transitions, laid out by ELK on the server (`chart-layout.ts`).
 * The states the chosen server is in are highlighted; htmx re-renders the diagram on each transition.
 */
import { LABEL_FONT_PX, type ChartArrow, type ChartBox, type ChartLayout } from '../src/view-model.js';
import { Layout } from './components.js';

export interface ChartViewProps {
  layout: ChartLayout;
  /** A state id to the servers in it (ancestors included). */
  current: Map<string, string[]>;
  /** The server whose states are highlighted, if any server exists. */
  chosen: string | undefined;
}

export function StatechartPage(props: ChartViewProps & { servers: string[]; version: string }) {
  return (
    <Layout title="Statechart" page="statechart" dev={true} version={props.version}>
      <h1>Server statechart</h1>
      <p class="reason">
        Read from <code>src/machines/server.machine.ts</code> at run time and laid out by ELK; <code>orch viz</code> prints it as Mermaid.
      </p>
      <label>
        Highlight the state of{' '}
        <select id="chart-server" name="server" hx-get="/ui/statechart" hx-target="#chart" hx-trigger="change">
          {props.servers.map((name) => (
            <option value={name} selected={name === props.chosen}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <div id="chart" hx-get="/ui/statechart" hx-include="#chart-server" hx-trigger="every 5s, orch:transition from:body" hx-sync="this:queue last">
        <ChartView {...props} />
      </div>
    </Layout>
  );
}

export function ChartView({ layout, current, chosen }: ChartViewProps) {
  const lit = (id: string) => chosen !== undefined && (current.get(id) ?? []).includes(chosen);
  return (
    <svg
      class="statechart"
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      role="img"
      aria-label={`Server statechart${chosen ? `, ${chosen} highlighted` : ''}`}
      data-chosen={chosen ?? ''}
    >
      <style>{STYLE}</style>
      <defs>
        <marker id="chart-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" />
        </marker>
      </defs>
      {layout.boxes.map((box) => (
        <StateBox box={box} servers={current.get(box.id) ?? []} lit={lit(box.id)} />
      ))}
      {layout.arrows.map((arrow) => (
        <Arrow arrow={arrow} />
      ))}
    </svg>
  );
}

function StateBox({ box, servers, lit }: { box: ChartBox; servers: string[]; lit: boolean }) {
  const classes = ['chart-state', box.compound ? 'compound' : 'leaf', lit ? 'current' : ''].filter(Boolean).join(' ');
  return (
    <g class={classes} data-state-id={box.id} data-servers={servers.join(' ')}>
      <title>{`${box.id}${servers.length ? `: ${servers.join(', ')}` : ''}`}</title>
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={8} />
      <text x={box.x + (box.compound ? 10 : box.width / 2)} y={box.compound ? box.y + 18 : box.y + box.height / 2 + 5} text-anchor={box.compound ? 'start' : 'middle'}>
        {box.initial ? `▸ ${box.key}` : box.key}
      </text>
    </g>
  );
}

function Arrow({ arrow }: { arrow: ChartArrow }) {
  const d = arrow.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
  const { x, y, width, height } = arrow.labelAt;
  return (
    <g class="chart-edge" data-source={arrow.source} data-target={arrow.target} data-label={arrow.label}>
      <path d={d} marker-end="url(#chart-arrowhead)" />
      <rect class="chart-label" x={x} y={y} width={width} height={height} rx={3} />
      <text x={x + 2} y={y + height - 4}>
        {arrow.label}
      </text>
    </g>
  );
}

/** Scoped to the diagram; the colours come from the dashboard's palette when it defines them. */
const STYLE = `
.statechart { max-width: 100%; height: auto; font-family: system-ui, sans-serif; }
.statechart .chart-state rect { fill: var(--panel, #fff); stroke: var(--border, #bbb); stroke-width: 1.2; }
.statechart .chart-state.compound rect { fill: color-mix(in srgb, var(--panel, #fff) 92%, var(--muted, #888)); stroke-dasharray: 4 3; }
.statechart .chart-state text { fill: currentColor; font-size: 14px; font-weight: 600; }
.statechart .chart-state.current rect { stroke: var(--ok, #2a9d4a); stroke-width: 2.5; stroke-dasharray: none; }
.statechart .chart-state.leaf.current rect { fill: color-mix(in srgb, var(--ok, #2a9d4a) 25%, var(--panel, #fff)); }
.statechart .chart-edge path { fill: none; stroke: var(--muted, #888); stroke-width: 1.2; }
.statechart marker path { fill: var(--muted, #888); }
.statechart .chart-edge text { font: ${LABEL_FONT_PX}px ui-monospace, monospace; fill: var(--muted, #666); }
.statechart .chart-label { fill: var(--panel, #fff); opacity: .85; }
.statechart .chart-edge:hover path { stroke: var(--accent, #36c); stroke-width: 2; }
.statechart .chart-edge:hover text { fill: currentColor; }
`;
