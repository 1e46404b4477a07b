/** A small inline SVG line chart over the history: no chart library, nothing to load. */
const WIDTH = 300;
const HEIGHT = 100;

export function LineChart(props: { label: string; at: number[]; values: (number | null)[]; format: (value: number) => string }) {
  const points = props.values.map((value, i) => [props.at[i]!, value] as const).filter((p): p is readonly [number, number] => p[1] !== null);
  const last = points.at(-1)?.[1];
  const max = Math.max(0, ...points.map(([, v]) => v));
  const caption = (
    <figcaption>
      <span>{props.label}</span>
      <span class="num">{last === undefined ? '–' : `${props.format(last)} (max ${props.format(max)})`}</span>
    </figcaption>
  );
  if (points.length < 2) {
    return (
      <figure class="chart" data-chart={props.label}>
        {caption}
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${props.label}: not enough samples yet`}>
          <text class="empty" x="8" y="54">
            not enough samples yet
          </text>
        </svg>
      </figure>
    );
  }
  const t0 = points[0]![0];
  const span = Math.max(1, points.at(-1)![0] - t0);
  const top = max > 0 ? max * 1.1 : 1;
  const polyline = points
    .map(([t, v]) => `${(((t - t0) / span) * WIDTH).toFixed(1)},${(HEIGHT - (v / top) * HEIGHT).toFixed(1)}`)
    .join(' ');
  return (
    <figure class="chart" data-chart={props.label}>
      {caption}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`${props.label} over the last ${Math.round(span / 60_000)} min`}>
        <line x1="0" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} />
        <polyline points={polyline} />
      </svg>
    </figure>
  );
}
