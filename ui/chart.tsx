/**
 * A graph's place on the server page: uPlot (served from node_modules) draws it in the browser from
 * the `history` of `GET /api/servers/:name`, with time and value axes, hover values and the policy's
 * limit as a dashed line. The server renders the frame and the latest figure, so the page reads without JS.
 */
export type ChartUnit = 'percent' | 'bytes' | 'ms';

export interface ChartSpec {
  label: string;
  /** The field of `history` drawn. */
  series: 'cpuPercent' | 'memoryBytes' | 'pingMs';
  unit: ChartUnit;
  /** The policy's limit, drawn as a line: crossing it fails the health check. */
  limit?: number;
}

export function Chart({ spec, last }: { spec: ChartSpec; last: string }) {
  return (
    <figure class="chart" data-chart={spec.label} data-series={spec.series} data-unit={spec.unit} data-limit={spec.limit}>
      <figcaption>
        <span>{spec.label}</span>
        <span class="num" data-chart-last>
          {last}
        </span>
      </figcaption>
      <div class="plot" role="img" aria-label={`${spec.label} over the last hour`}></div>
    </figure>
  );
}

/** The graphs of one server, redrawn by charts.js whenever the page's live region refreshes. */
export function Charts({ source, specs, last }: { source: string; specs: ChartSpec[]; last: (spec: ChartSpec) => string }) {
  return (
    <div class="charts" id="charts" data-source={source} hx-preserve="true">
      {specs.map((spec) => (
        <Chart spec={spec} last={last(spec)} />
      ))}
    </div>
  );
}
